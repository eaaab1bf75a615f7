using CniPlugins.Skel;

namespace CniPlugins.Macvlan;

/// <summary>
/// The macvlan plugin's name and verbs, run by its own executable and by the multi-call cni-plugins alike.
/// </summary>
internal static class MacvlanEntry
{
    public const string Name = "macvlan";

    public static int Run(string[] args) => PluginMain.Run(Name, new CniCommands
    {
        Add = MacvlanPlugin.Add,
        Del = MacvlanPlugin.Del,
        Check = MacvlanPlugin.Check,
        Status = MacvlanPlugin.Status,
        Gc = MacvlanPlugin.Gc,
    }, args);
}
