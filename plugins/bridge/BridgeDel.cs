using CniPlugins.Firewall;
using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
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

        var addresses = ContainerLink.Delete(args, conf);

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
}
