using System.Net;
using CniPlugins.Firewall;
using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Overlay;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// ADD: everything that can refuse the config is checked before anything is made (the existing device, IPAM's
/// subnet against the peers); then the shared devices and the peers' entries under the bridge's lock, then the
/// container's veth, addresses, gateway and masquerade. It is a transaction, like bridge's: a failure undoes the
/// container's part and releases the address; the shared devices stay for the network's other containers.
/// </summary>
internal static class VxlanAdd
{
    public static Result Run(CmdArgs args)
    {
        var conf = VxlanConfig.Parse(args.StdinData);
        args = SubnetFileMode.Apply(conf, args, ErrorCode.TryAgainLater);
        byte[]? mac = ContainerMac.Resolve(conf, args.Args);
        var masqBackend = conf.IpMasq ? IpMasq.SelectBackend(conf.IpMasqBackend) : MasqBackend.IpTables;
        if (conf.IpMasq && conf.IpamType is not null)
        {
            ScriptInput.Attachment(conf.Name, args.ContainerId, args.IfName);
        }

        ScriptInput.MatchedBridge(conf.BridgeName); // it reaches the forward rules

        using var ns = NetNs.Open(args.Netns);
        using var hostNs = NetNs.OpenCurrent();
        using var host = RtnlHandle.Open();
        using var container = RtnlHandle.OpenIn(ns);
        var underlay = conf.ResolveUnderlay(host);
        VxlanDevice.RefuseIncompatible(host, conf.DeviceSpec(underlay));

        using var rollback = new Rollback("vxlan");
        var ipam = IpamExec.AddIfConfigured(conf, args, rollback);
        if (conf.IsL3)
        {
            RefuseOverlaps(conf, underlay, ipam!); // l3 validation made IPAM required
        }

        int mtu = underlay.OverlayMtu(conf.Mtu);
        var bridge = SharedDevices.Ensure(host, conf, underlay, mtu, ipam);

        var (hostVeth, contVeth) = VethSetup.Create(container, host, hostNs, args.IfName, mtu, mac);
        rollback.Add($"delete {args.IfName}", () => container.TryLinkDelByName(args.IfName));
        rollback.Add($"remove the forward rules of {bridge.Name} if unused", () => VxlanDel.RemoveForwardIfUnused(bridge.Name, exceptPort: hostVeth.Index));
        BridgePort.Configure(host, bridge, hostVeth, conf.HairpinMode, isolated: false, vlan: 0, trunk: [], preserveDefaultVlan: true);

        var bridgeIface = new Interface { Name = bridge.Name, Mac = bridge.Mac };
        var hostIface = new Interface { Name = hostVeth.Name, Mac = hostVeth.Mac };
        var result = new Result
        {
            Interfaces = [bridgeIface, hostIface, new Interface { Name = args.IfName, Mac = contVeth.Mac, Sandbox = args.Netns }],
        };

        if (ipam is not null)
        {
            result.Ips = ipam.Ips!;
            result.Routes = ipam.Routes;
            result.Dns = ipam.Dns;
            var gateways = Gateways.Calculate(result, conf.IsGateway, conf.IsDefaultGateway);
            if (conf.IsL3)
            {
                AddPeerRoutes(result, OverlayDestinations(conf, underlay));
            }

            ns.Run(() => ContainerLink.SetSysctls(args.IfName, enableDad: false));
            InterfaceConfigurator.Configure(ns, container, args.IfName, result);
            foreach (var gw in gateways)
            {
                Gateways.EnsureAddress(host, bridge, gw, forceAddress: false);
            }

            foreach (bool v4 in gateways.Select(g => g.IsIPv4).Distinct())
            {
                IpForward.Enable(v4);
            }

            if (conf.IpMasq)
            {
                var ips = result.Ips.Select(i => i.Address).ToList();
                rollback.Add("remove masquerade rules", () => IpMasq.Teardown(conf.Name, args.ContainerId, args.IfName, ips));
                IpMasq.Setup(masqBackend, conf.Name, args.ContainerId, args.IfName, ips, NoMasqDestinations(conf, underlay));
            }
        }
        else
        {
            container.LinkSetUp(contVeth.Index);
        }

        hostIface.Mac = PortWait.UntilUp(host, hostVeth.Index, hostVeth.Name).Mac;
        bridgeIface.Mac = BridgeSetup.GetBridge(host, conf.BridgeName).Mac;
        if (conf.HasDns)
        {
            result.Dns = conf.Dns;
        }

        rollback.Commit();
        return result;
    }

    /// <summary>An l3 host's subnet must not overlap another host's: routes to it would point into the tunnel.</summary>
    private static void RefuseOverlaps(VxlanConfig conf, Underlay underlay, Result ipam)
    {
        foreach (var own in ipam.Ips!.Select(i => new CidrAddress(i.Address.Network.BaseAddress, i.Address.PrefixLength)))
        {
            foreach (var peer in conf.PeerList.Where(p => !p.Underlay.Equals(underlay.Local)))
            {
                if (peer.Subnets.FirstOrDefault(s => s.Contains(own.Address) || own.Contains(s.Address)) is { Address: not null } clash)
                {
                    throw CniException.InvalidConfig($"subnet {clash} of peer {peer.Underlay} overlaps this host's subnet {own}",
                        "in l3 mode every host owns a subnet of its own: give IPAM a subnet no peer has");
                }
            }
        }
    }

    /// <summary>
    /// What <c>ipMasq</c> leaves alone besides the container's own subnet: in l3 the other hosts' subnets, so traffic
    /// between the overlay's hosts keeps its container source address (in l2 one subnet spans them all).
    /// </summary>
    internal static List<CidrAddress> NoMasqDestinations(VxlanConfig conf, Underlay underlay) =>
        conf.IsL3 ? OverlayDestinations(conf, underlay) : [];

    /// <summary>l3: the other hosts' subnets, or with a subnet file the whole cluster range (peers come and go).</summary>
    private static List<CidrAddress> OverlayDestinations(VxlanConfig conf, Underlay underlay) =>
        conf.ClusterCidr is { } cluster ? [cluster] : L3Peers.PeerSubnets(conf.PeerList, underlay.Local).ToList();

    /// <summary>l3: the container reaches each other host's subnet through its own host's gateway.</summary>
    private static void AddPeerRoutes(Result result, IEnumerable<CidrAddress> peerSubnets)
    {
        foreach (var subnet in peerSubnets)
        {
            if (result.Ips!.Find(i => i.Address.IsIPv4 == subnet.IsIPv4 && i.Gateway is not null) is { } ipc &&
                result.Routes?.Exists(r => r.Dst == subnet) != true)
            {
                result.Routes ??= [];
                result.Routes.Add(new Route { Dst = subnet, Gw = ipc.Gateway });
            }
        }
    }
}
