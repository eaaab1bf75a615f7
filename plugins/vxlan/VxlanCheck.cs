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
/// CHECK: the container's veth on the network's bridge with prevResult's addresses and routes, the VXLAN device as
/// configured, and every peer's entries; masquerade and the anycast gateway filter where configured.
/// </summary>
internal static class VxlanCheck
{
    public static void Run(CmdArgs args)
    {
        var conf = VxlanConfig.Parse(args.StdinData);
        args = SubnetFileMode.Apply(conf, args, ErrorCode.Internal);
        using var ns = NetNs.Open(args.Netns);
        IpamExec.CheckIfConfigured(conf, args);
        var prev = conf.ParsePrevResult() ?? throw CniException.InvalidConfig("Required prevResult missing");

        using var host = RtnlHandle.Open();
        using var container = RtnlHandle.OpenIn(ns);
        var bridge = BridgeSetup.GetBridge(host, conf.BridgeName);
        var cont = container.TryGetLinkByName(args.IfName) ?? throw Fail($"CNI created interface in container {args.IfName} not found");
        if (cont.Kind != "veth")
        {
            throw Fail($"Error: Container interface {cont.Name} not of type veth");
        }

        if (host.TryGetLinkByIndex(cont.ParentIndex) is not { Kind: "veth" } peer || peer.ParentIndex != cont.Index || peer.MasterIndex != bridge.Index)
        {
            throw Fail($"the host end of {args.IfName} is not a port of bridge {bridge.Name}");
        }

        ExpectedState.ValidateInterfaceIps(container, args.IfName, prev.Ips ?? []);
        ExpectedState.ValidateRoutes(container, prev.Routes ?? []);

        var underlay = conf.ResolveUnderlay(host, ErrorCode.Internal);
        var device = host.TryGetLinkByName(conf.DeviceName) ?? throw Fail($"VXLAN device {conf.DeviceName} not found");
        VxlanDevice.Verify(device, conf.DeviceSpec(underlay), (msg, _) => throw Fail(msg));
        if (conf.IsL3)
        {
            L3Peers.Check(host, device, conf.PeerList, underlay.Local);
        }
        else
        {
            if (device.MasterIndex != bridge.Index)
            {
                throw Fail($"VXLAN device {device.Name} is not a port of bridge {bridge.Name}");
            }

            L2Peers.Check(host, device, conf, underlay.Local);
            if (conf.IsGateway && conf.IpamType is not null)
            {
                AnycastGatewayFilter.Check(conf, device.Name);
            }
        }

        ForwardRules.Check(conf.BridgeName);
        if (conf.IpMasq && conf.IpamType is not null)
        {
            IpMasq.Check(IpMasq.SelectBackend(conf.IpMasqBackend), conf.Name, args.ContainerId, args.IfName,
                (prev.Ips ?? []).Select(i => i.Address).ToList(), VxlanAdd.NoMasqDestinations(conf, underlay));
        }
    }

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
