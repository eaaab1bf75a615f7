using CniPlugins.Invoke;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Ipam;

/// <summary>
/// Delegation to the IPAM plugin named by <c>ipam.type</c>, with the caller's config bytes unchanged; every verb is
/// a no-op for an L2-only network (no <c>ipam</c>, or an empty type). ADD's result is read in the config's version
/// and returned in the newest shape.
/// </summary>
public static class IpamExec
{
    /// <summary>
    /// IPAM ADD, with IPAM DEL registered on <paramref name="rollback"/> first: the SPEC asks for a DEL after a
    /// failed ADD, and an IPAM plugin that failed half-way may still hold something. Null when L2-only; a result
    /// without addresses is an error, as the reference plugins treat it.
    /// </summary>
    public static Result? AddIfConfigured(NetConf conf, CmdArgs args, Rollback rollback)
    {
        if (conf.IpamType is not { } type)
        {
            return null;
        }

        rollback.Add($"IPAM {type} DEL", () => PluginExec.Run(type, "DEL", args));
        var result = ResultJson.Parse(PluginExec.Run(type, "ADD", args), args.CniVersion);
        if (result.Ips is not { Count: > 0 })
        {
            throw new CniException(ErrorCode.Internal, "IPAM plugin returned missing IP config");
        }

        return result;
    }

    public static void DelIfConfigured(NetConf conf, CmdArgs args) => RunIfConfigured(conf, "DEL", args);

    public static void CheckIfConfigured(NetConf conf, CmdArgs args) => RunIfConfigured(conf, "CHECK", args);

    public static void GcIfConfigured(NetConf conf, CmdArgs args) => RunIfConfigured(conf, "GC", args);

    public static void StatusIfConfigured(NetConf conf, CmdArgs args) => RunIfConfigured(conf, "STATUS", args);

    private static void RunIfConfigured(NetConf conf, string verb, CmdArgs args)
    {
        if (conf.IpamType is { } type)
        {
            PluginExec.Run(type, verb, args);
        }
    }
}
