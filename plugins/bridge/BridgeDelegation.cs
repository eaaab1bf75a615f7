using CniPlugins.Firewall;
using CniPlugins.Ipam;
using CniPlugins.Skel;

namespace CniPlugins.Bridge;

/// <summary>GC and STATUS: IPAM does the bookkeeping; the bridge adds its masquerade and isolation rules to GC.</summary>
internal static class BridgeDelegation
{
    /// <summary>
    /// Forwarded to IPAM (which the reference forgets), then masquerade rules of vanished attachments go, and the
    /// isolation rules of the bridge when no port is left on it.
    /// </summary>
    public static void Gc(CmdArgs args)
    {
        var conf = BridgeConfig.Parse(args.StdinData);
        IpamExec.GcIfConfigured(conf, args);

        var valid = conf.GcValidAttachments?.Select(a => (a.ContainerId, a.IfName)).ToList() ?? [];
        IpMasq.Gc(conf.Name, valid);
        if (conf.Isolation)
        {
            BridgeDel.RemoveIsolationIfUnused(conf.BridgeName);
        }
    }

    public static void Status(CmdArgs args)
    {
        IpamExec.StatusIfConfigured(BridgeConfig.Parse(args.StdinData), args);
    }
}
