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

    public static readonly (string Name, Func<string[], int> Run)[] Plugins =
    [
        (BridgeEntry.Name, BridgeEntry.Run),
        (HostLocalEntry.Name, HostLocalEntry.Run),
        (LoopbackEntry.Name, LoopbackEntry.Run),
        (MacvlanEntry.Name, MacvlanEntry.Run),
        (PortmapEntry.Name, PortmapEntry.Run),
        (VxlanEntry.Name, VxlanEntry.Run),
    ];

    public static IEnumerable<string> Names => Plugins.Select(p => p.Name);

    /// <summary>The plugin run as <paramref name="name"/>, or null.</summary>
    public static Func<string[], int>? Find(string name)
    {
        foreach (var (pluginName, run) in Plugins)
        {
            if (pluginName == name)
            {
                return run;
            }
        }

        return null;
    }
}
