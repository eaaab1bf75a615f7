using CniPlugins.Skel;

namespace CniPlugins.HostLocal;

/// <summary>
/// The host-local plugin's name and verbs, run by its own executable and by the multi-call cni-plugins alike.
/// </summary>
internal static class HostLocalEntry
{
    public const string Name = "host-local";

    public static int Run(string[] args) => PluginMain.Run(Name, new CniCommands
    {
        Add = HostLocalPlugin.Add,
        Del = HostLocalPlugin.Del,
        Check = HostLocalPlugin.Check,
        Gc = HostLocalPlugin.Gc,
        Status = HostLocalPlugin.Status,
    }, args);
}
