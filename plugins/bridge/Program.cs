using CniPlugins.Bridge;
using CniPlugins.Skel;

return PluginMain.Run("bridge", new CniCommands
{
    Add = BridgeAdd.Run,
    Del = BridgeDel.Run,
    Check = BridgeCheck.Run,
    Gc = BridgeDelegation.Gc,
    Status = BridgeDelegation.Status,
}, args);
