using CniPlugins.Skel;

namespace CniPlugins.Portmap;

/// <summary>
/// The portmap plugin's name and verbs, run by its own executable and by the multi-call cni-plugins alike.
/// </summary>
internal static class PortmapEntry
{
    public const string Name = "portmap";

    public static int Run(string[] args) => PluginMain.Run(Name, new CniCommands
    {
        Add = PortmapCommands.Add,
        Del = PortmapCommands.Del,
        Check = PortmapCommands.Check,
        Gc = PortmapCommands.Gc,
        Status = _ => { },
    }, args);
}
