using CniPlugins.Firewall;
using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Skel;

namespace CniPlugins.Vxlan;

/// <summary>
/// DEL: the container's part only (address, veth, masquerade rules), idempotent and complete with the namespace or
/// the interface already gone; the bridge, the VXLAN device and the peers' entries stay for the network's other
/// containers, as bridge's <c>cni0</c> does.
/// </summary>
internal static class VxlanDel
{
    public static void Run(CmdArgs args)
    {
        var conf = VxlanConfig.Parse(args.StdinData);
        IpamExec.DelIfConfigured(conf, args);
        var addresses = ContainerLink.Delete(args, conf);
        if (conf.IpMasq && conf.IpamType is not null)
        {
            IpMasq.Teardown(conf.Name, args.ContainerId, args.IfName, addresses);
        }
    }
}
