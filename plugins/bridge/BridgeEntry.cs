using CniPlugins.Skel;

namespace CniPlugins.Bridge;

/// <summary>
/// The bridge plugin's name and verbs, run by its own executable and by the multi-call cni-plugins alike.
/// </summary>
internal static class BridgeEntry
{
    public const string Name = "bridge";

    public static int Run(string[] args) => PluginMain.Run(Name, new CniCommands
    {
        Add = BridgeAdd.Run,
        Del = BridgeDel.Run,
        Check = BridgeCheck.Run,
        Gc = BridgeDelegation.Gc,
        Status = BridgeDelegation.Status,
    }, args);
}
