using CniPlugins.Skel;

namespace CniPlugins.Loopback;

/// <summary>
/// The loopback plugin's name and verbs, run by its own executable and by the multi-call cni-plugins alike.
/// </summary>
internal static class LoopbackEntry
{
    public const string Name = "loopback";

    public static int Run(string[] args) => PluginMain.Run(Name, new CniCommands
    {
        Add = LoopbackPlugin.Add,
        Del = LoopbackPlugin.Del,
        Check = LoopbackPlugin.Check,
    }, args);
}
