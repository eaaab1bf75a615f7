using CniPlugins.Firewall;
using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>
/// ADD, step by step as the reference: bridge, veth with its port settings, IPAM, container addresses and routes,
/// gateway on the bridge, forwarding, masquerade, isolation. It is a transaction: each step that makes something
/// registers its undo, and every undo runs (newest first) when a later step fails.
/// </summary>
internal static class BridgeAdd
{
    public static Result Run(CmdArgs args)
    {
        var conf = BridgeConfig.Parse(args.StdinData);
        byte[]? mac = ContainerMac.Resolve(conf, args.Args);
        var masqBackend = IpMasq.SelectBackend(conf.IpMasqBackend);
        RefuseUnwritableNames(conf, args);

        using var ns = NetNs.Open(args.Netns);
        using var hostNs = NetNs.OpenCurrent();
        using var host = RtnlHandle.Open();
        using var container = RtnlHandle.OpenIn(ns);

        using var rollback = new Rollback("bridge");
        var result = Attach(args, conf, mac, masqBackend, ns, hostNs, host, container, rollback);
        rollback.Commit();
        return result;
    }

    private static Result Attach(CmdArgs args, BridgeConfig conf, byte[]? mac, MasqBackend masqBackend, NetNs ns,
        NetNs hostNs, RtnlHandle host, RtnlHandle container, Rollback rollback)
    {
        bool vlanFiltering = conf.Vlan != 0 || conf.TrunkVlans.Count > 0;
        var bridge = BridgeSetup.Ensure(host, conf.BridgeName, conf.Mtu, conf.PromiscMode, vlanFiltering);

        var (hostVeth, contVeth) = VethSetup.Create(container, host, hostNs, args.IfName, conf.Mtu, mac);
        rollback.Add($"delete {args.IfName}", () => container.TryLinkDelByName(args.IfName));
        BridgePort.Configure(host, bridge, hostVeth, conf.HairpinMode, conf.PortIsolation, conf.Vlan, conf.TrunkVlans,
            conf.PreserveDefaultVlan);

        var bridgeIface = new Interface { Name = bridge.Name, Mac = bridge.Mac };
        var hostIface = new Interface { Name = hostVeth.Name, Mac = hostVeth.Mac };
        var result = new Result
        {
            Interfaces = [bridgeIface, hostIface, new Interface { Name = args.IfName, Mac = contVeth.Mac, Sandbox = args.Netns }],
        };

        if (conf.MacSpoofChk)
        {
            MacSpoofCheck.Setup(hostVeth.Name, contVeth.Mac, args.ContainerId, args.IfName);
            rollback.Add("remove the MAC spoof check", () => MacSpoofCheck.Teardown(args.ContainerId, args.IfName));
        }

        // IPAM is exec'd from the main thread, which never leaves the host namespace.
        if (IpamExec.AddIfConfigured(conf, args, rollback) is { } ipam)
        {
            result.Ips = ipam.Ips!; // never empty: AddIfConfigured refuses a result without addresses
            result.Routes = ipam.Routes;
            result.Dns = ipam.Dns;
            var gateways = Gateways.Calculate(result, conf.IsGateway, conf.IsDefaultGateway);

            ns.Run(() => ContainerLink.SetSysctls(args.IfName, conf.EnableDad));
            InterfaceConfigurator.Configure(ns, container, args.IfName, result);

            if (conf.IsGateway)
            {
                var gatewayLink = conf.Vlan != 0
                    ? VlanGateway.Ensure(host, hostNs, bridge, conf.Vlan, conf.PreserveDefaultVlan, result)
                    : bridge;
                foreach (var gw in gateways)
                {
                    Gateways.EnsureAddress(host, gatewayLink, gw, conf.ForceAddress);
                }

                foreach (bool v4 in gateways.Select(g => g.IsIPv4).Distinct())
                {
                    IpForward.Enable(v4);
                }
            }

            if (conf.IpMasq)
            {
                var ips = result.Ips.Select(i => i.Address).ToList();
                rollback.Add("remove masquerade rules", () => IpMasq.Teardown(conf.Name, args.ContainerId, args.IfName, ips));
                IpMasq.Setup(masqBackend, conf.Name, args.ContainerId, args.IfName, ips);
            }
        }
        else if (!conf.DisableContainerInterface)
        {
            container.LinkSetUp(contVeth.Index);
        }

        if (conf.Isolation)
        {
            // Undone only when no other port is on the bridge: the rules are shared by all its containers.
            rollback.Add($"remove isolation of bridge {conf.BridgeName}",
                () => BridgeDel.RemoveIsolationIfUnused(conf.BridgeName, exceptPort: hostVeth.Index));
            using var guard = BridgePort.LockBridge(conf.BridgeName);
            BridgeIsolation.Ensure(conf.BridgeName);
        }

        if (!conf.DisableContainerInterface)
        {
            // The host end may change MAC once it forwards; report what it ended with.
            hostIface.Mac = PortWait.UntilUp(host, hostVeth.Index, hostVeth.Name).Mac;
        }

        // The bridge's MAC may change when its first port joins or its address is set.
        bridgeIface.Mac = BridgeSetup.GetBridge(host, conf.BridgeName).Mac;
        if (conf.HasDns)
        {
            result.Dns = conf.Dns;
        }

        return result;
    }

    /// <summary>
    /// Names the firewall steps would refuse are refused before anything is made: the bridge, which a rollback
    /// leaves in place, included.
    /// </summary>
    private static void RefuseUnwritableNames(BridgeConfig conf, CmdArgs args)
    {
        if (conf.IpMasq && conf.IpamType is not null)
        {
            ScriptInput.Attachment(conf.Name, args.ContainerId, args.IfName);
        }

        if (conf.MacSpoofChk)
        {
            ScriptInput.ContainerId(args.ContainerId);
            ScriptInput.Interface(args.IfName);
        }

        if (conf.Isolation)
        {
            ScriptInput.MatchedBridge(conf.BridgeName);
        }
    }
}
