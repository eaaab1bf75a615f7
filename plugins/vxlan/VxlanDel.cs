using CniPlugins.Firewall;
using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Skel;

namespace CniPlugins.Vxlan;

/// <summary>
/// DEL: the container's part only (address, veth, masquerade rules; the forward rules with the last container), idempotent and complete with the namespace or
/// the interface already gone; the bridge, the VXLAN device and the peers' entries stay for the network's other
/// containers, as bridge's <c>cni0</c> does.
/// </summary>
internal static class VxlanDel
{
    public static void Run(CmdArgs args)
    {
        var conf = VxlanConfig.Parse(args.StdinData);
        args = SubnetFileMode.TryApply(conf, args);
        IpamExec.DelIfConfigured(conf, args);
        var addresses = ContainerLink.Delete(args, conf);
        if (conf.IpMasq && conf.IpamType is not null)
        {
            IpMasq.Teardown(conf.Name, args.ContainerId, args.IfName, addresses);
        }

        RemoveForwardIfUnused(conf.BridgeName);
    }

    /// <summary>
    /// Removes the bridge's forward rules once no container port is left on it (or it is gone). Every DEL and GC
    /// looks, since a DEL with an empty CNI_NETNS leaves a veth that goes later with its namespace; a failed ADD
    /// looks with its own host veth as <paramref name="exceptPort"/>, which its rollback is about to remove.
    /// </summary>
    internal static void RemoveForwardIfUnused(string bridgeName, int exceptPort = 0)
    {
        using var host = RtnlHandle.Open();
        using var guard = BridgePort.LockBridge(bridgeName);
        if (host.TryGetLinkByName(bridgeName) is not { } bridge || BridgePort.CountPorts(host, bridge.Index, exceptPort, exceptKind: "vxlan") == 0)
        {
            ForwardRules.Remove(bridgeName);
        }
    }
}
