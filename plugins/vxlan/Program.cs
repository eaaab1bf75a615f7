using CniPlugins.Skel;
using CniPlugins.Vxlan;

return PluginMain.Run("vxlan", new CniCommands
{
    Add = VxlanAdd.Run,
    Del = VxlanDel.Run,
    Check = VxlanCheck.Run,
    Gc = VxlanDelegation.Gc,
    Status = VxlanDelegation.Status,
}, args);
