using CniPlugins.Skel;

namespace CniPlugins.Vxlan;

/// <summary>
/// The vxlan plugin's name and verbs, run by its own executable and by the multi-call cni-plugins alike.
/// </summary>
internal static class VxlanEntry
{
    public const string Name = "vxlan";

    public static int Run(string[] args) => PluginMain.Run(Name, new CniCommands
    {
        Add = VxlanAdd.Run,
        Del = VxlanDel.Run,
        Check = VxlanCheck.Run,
        Gc = VxlanDelegation.Gc,
        Status = VxlanDelegation.Status,
    }, args);
}
