using CniPlugins.Invoke;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Ipam;

/// <summary>
/// Delegation to the IPAM plugin named by <c>ipam.type</c>, with the caller's config bytes unchanged. ADD's result
/// is read in the config's version and returned in the newest shape.
/// </summary>
public static class IpamExec
{
    public static Result Add(string ipamType, CmdArgs args)
    {
        byte[] output = PluginExec.Run(ipamType, "ADD", args);
        return ResultJson.Parse(output, args.CniVersion);
    }

    public static void Del(string ipamType, CmdArgs args) => PluginExec.Run(ipamType, "DEL", args);

    public static void Check(string ipamType, CmdArgs args) => PluginExec.Run(ipamType, "CHECK", args);

    public static void Gc(string ipamType, CmdArgs args) => PluginExec.Run(ipamType, "GC", args);

    public static void Status(string ipamType, CmdArgs args) => PluginExec.Run(ipamType, "STATUS", args);
}
