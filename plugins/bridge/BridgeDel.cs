using System.Net;
using CniPlugins.Firewall;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>
/// DEL: idempotent and complete even when the namespace or the interface is already gone. The address is released
/// first; masquerade rules are removed with the addresses read from the interface, or from prevResult when the
/// interface is gone (the reference leaks the rules then). The bridge itself and its gateway address stay, shared
/// by the network's other containers.
/// </summary>
internal static class BridgeDel
{
    public static void Run(CmdArgs args)
    {
        var conf = BridgeConfig.Parse(args.StdinData);
        IpamExec.DelIfConfigured(conf, args);

        var addresses = DeleteContainerLink(args) ?? PrevResultAddresses(conf, args);

        if (conf.MacSpoofChk)
        {
            MacSpoofCheck.Teardown(args.ContainerId, args.IfName);
        }

        if (conf.IpMasq && conf.IpamType is not null)
        {
            IpMasq.Teardown(conf.Name, args.ContainerId, args.IfName, addresses);
        }

        if (conf.Isolation)
        {
            RemoveIsolationIfUnused(conf.BridgeName);
        }
    }

    /// <summary>
    /// Removes the bridge's isolation rules when no port is left on it (or it is gone). Not only the DEL of the
    /// last container gets here: a DEL with an empty CNI_NETNS leaves the veth, which goes later with its
    /// namespace, so every DEL of the network and its GC look again. A failed ADD gets here too, with its own host
    /// veth as <paramref name="exceptPort"/>: that port is about to go with the rollback.
    /// </summary>
    internal static void RemoveIsolationIfUnused(string bridgeName, int exceptPort = 0)
    {
        using var host = RtnlHandle.Open();
        using var guard = BridgePort.LockBridge(bridgeName);
        if (host.TryGetLinkByName(bridgeName) is not { } bridge || BridgePort.CountPorts(host, bridge.Index, exceptPort) == 0)
        {
            BridgeIsolation.Remove(bridgeName);
        }
    }

    /// <summary>Deletes the container's interface; returns its global addresses, or null when it (or the namespace) is gone.</summary>
    private static List<CidrAddress>? DeleteContainerLink(CmdArgs args)
    {
        using var ns = NetNs.TryOpen(args.Netns);
        if (ns is null)
        {
            return null;
        }

        using var container = RtnlHandle.OpenIn(ns);
        if (container.TryGetLinkByName(args.IfName) is not { } link)
        {
            return null;
        }

        var addresses = container.AddrList(link.Index)
            .Where(a => a.Scope == Rtnl.RT_SCOPE_UNIVERSE && !IPAddress.IsLoopback(a.Address.Address))
            .Select(a => a.Address)
            .ToList();
        container.TryLinkDel(link.Index); // removed meanwhile or not, the outcome is the same
        return addresses;
    }

    private static List<CidrAddress> PrevResultAddresses(BridgeConfig conf, CmdArgs args)
    {
        try
        {
            return conf.ParsePrevResult()?.Ips?.Select(i => i.Address).ToList() ?? [];
        }
        catch (CniException)
        {
            return []; // an unreadable prevResult must not make DEL fail
        }
    }
}
