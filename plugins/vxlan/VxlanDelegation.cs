using CniPlugins.Firewall;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Overlay;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>GC and STATUS: IPAM does the bookkeeping; the overlay adds its masquerade and forward rules to GC and its underlay to STATUS.</summary>
internal static class VxlanDelegation
{
    public static void Gc(CmdArgs args)
    {
        var conf = VxlanConfig.Parse(args.StdinData);
        args = SubnetFileMode.TryApply(conf, args);
        IpamExec.GcIfConfigured(conf, args);
        if (conf.IpMasq)
        {
            IpMasq.Gc(conf.Name, conf.GcValidAttachments?.Select(a => (a.ContainerId, a.IfName)).ToList() ?? []);
        }

        VxlanDel.RemoveForwardIfUnused(conf.BridgeName);
    }

    /// <summary>Code 50 while the underlay interface or its address is missing: no container could reach another host.</summary>
    public static void Status(CmdArgs args)
    {
        var conf = VxlanConfig.Parse(args.StdinData);
        args = SubnetFileMode.Apply(conf, args, ErrorCode.PluginNotAvailable);
        using (var host = RtnlHandle.Open())
        {
            conf.ResolveUnderlay(host, ErrorCode.PluginNotAvailable);
        }

        IpamExec.StatusIfConfigured(conf, args);
    }
}
