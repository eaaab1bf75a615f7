using CniPlugins.Firewall;
using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>
/// CHECK as the reference: the bridge, the container veth and its host peer enslaved to the bridge, the addresses
/// and routes of prevResult; then what the reference does not look at: masquerade, isolation and spoof-check rules.
/// </summary>
internal static class BridgeCheck
{
    public static void Run(CmdArgs args)
    {
        var conf = BridgeConfig.Parse(args.StdinData);
        using var ns = NetNs.Open(args.Netns);
        // With no IPAM there is nothing to ask (the reference fails here on an L2-only network).
        IpamExec.CheckIfConfigured(conf, args);

        var prev = conf.ParsePrevResult() ?? throw CniException.InvalidConfig("Required prevResult missing");
        var interfaces = prev.Interfaces ?? [];
        var brMap = interfaces.Find(i => i.Name == conf.BridgeName);
        var contMap = interfaces.Find(i => i.Name == args.IfName && i.Sandbox == args.Netns);
        if (contMap is null)
        {
            throw new CniException(ErrorCode.Internal,
                $"Sandbox in prevResult {interfaces.Find(i => i.Name == args.IfName)?.Sandbox} doesn't match configured netns: {args.Netns}");
        }

        using var host = RtnlHandle.Open();
        using var container = RtnlHandle.OpenIn(ns);
        var bridge = ValidateBridge(host, brMap, conf);
        var cont = container.TryGetLinkByName(contMap.Name)
            ?? throw Fail($"CNI created interface in container {args.IfName} not found");
        if (cont.Kind != "veth")
        {
            throw Fail($"Error: Container interface {cont.Name} not of type veth");
        }

        if (!string.IsNullOrEmpty(contMap.Mac) && contMap.Mac != cont.Mac)
        {
            throw Fail($"Interface {contMap.Name} Mac {contMap.Mac} doesn't match container Mac: {cont.Mac}");
        }

        bool vethFound = interfaces.Any(i =>
            i != brMap && i != contMap && string.IsNullOrEmpty(i.Sandbox) &&
            host.TryGetLinkByName(i.Name) is { Kind: "veth" } veth &&
            veth.Index == cont.ParentIndex && veth.ParentIndex == cont.Index && veth.MasterIndex == bridge.Index &&
            (string.IsNullOrEmpty(i.Mac) || i.Mac == veth.Mac));
        if (!vethFound)
        {
            throw Fail($"CNI veth created for bridge {conf.BridgeName} was not found");
        }

        ExpectedState.ValidateInterfaceIps(container, args.IfName, prev.Ips ?? []);
        ExpectedState.ValidateRoutes(container, prev.Routes ?? []);

        if (conf.IpMasq && conf.IpamType is not null)
        {
            IpMasq.Check(IpMasq.SelectBackend(conf.IpMasqBackend), conf.Name, args.ContainerId, args.IfName,
                (prev.Ips ?? []).Select(i => i.Address).ToList());
        }

        if (conf.Isolation)
        {
            BridgeIsolation.Check(conf.BridgeName);
        }

        if (conf.MacSpoofChk && !MacSpoofCheck.IsSetUp(args.ContainerId, args.IfName))
        {
            throw Fail($"mac spoof check rules of {args.ContainerId}/{args.IfName} are missing");
        }
    }

    private static Link ValidateBridge(RtnlHandle host, Interface? brMap, BridgeConfig conf)
    {
        if (brMap is null)
        {
            throw Fail($"CNI created bridge {conf.BridgeName} in host namespace was not found");
        }

        var link = host.TryGetLinkByName(brMap.Name) ?? throw Fail($"Interface name {brMap.Name} not found");
        if (link.Kind != "bridge")
        {
            throw Fail($"Interface {brMap.Name} does not have link type of bridge");
        }

        if (!string.IsNullOrEmpty(brMap.Mac) && brMap.Mac != link.Mac)
        {
            throw Fail($"Bridge interface {brMap.Name} Mac doesn't match: {brMap.Mac}");
        }

        if (link.IsPromisc != conf.PromiscMode)
        {
            throw Fail($"Bridge interface {brMap.Name} configured Promisc Mode {conf.PromiscMode} doesn't match current state: {link.IsPromisc}");
        }

        return link;
    }

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
