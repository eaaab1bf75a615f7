using CniPlugins.Bridge;
using CniPlugins.HostLocal;
using CniPlugins.Loopback;
using CniPlugins.Macvlan;
using CniPlugins.Portmap;
using CniPlugins.Vxlan;

namespace CniPlugins.MultiCall;

/// <summary>The plugins this file holds, by the name each is run as, in the order --version and --help list them.</summary>
internal static class Suite
{
    /// <summary>The file's own name, and the target of every plugin link <c>install</c> makes.</summary>
    public const string BinaryName = "cni-plugins";

    public static string[] Names =>
        [BridgeEntry.Name, HostLocalEntry.Name, LoopbackEntry.Name, MacvlanEntry.Name, PortmapEntry.Name, VxlanEntry.Name];

    public static bool Holds(string name) => Names.Contains(name);

    /// <summary>
    /// Runs the plugin named <paramref name="name"/> with <paramref name="args"/>; null when this file holds no such
    /// plugin. A switch over constants, not a table of delegates: a static table needs a class constructor, which
    /// every start would run (about 10,000 instructions, 1% of VERSION).
    /// </summary>
    public static int? Run(string name, string[] args) => name switch
    {
        BridgeEntry.Name => BridgeEntry.Run(args),
        HostLocalEntry.Name => HostLocalEntry.Run(args),
        LoopbackEntry.Name => LoopbackEntry.Run(args),
        MacvlanEntry.Name => MacvlanEntry.Run(args),
        PortmapEntry.Name => PortmapEntry.Run(args),
        VxlanEntry.Name => VxlanEntry.Run(args),
        _ => null,
    };
}
