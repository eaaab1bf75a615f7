using CniPlugins.Macvlan;
using CniPlugins.Skel;

return PluginMain.Run("macvlan", new CniCommands
{
    Add = MacvlanPlugin.Add,
    Del = MacvlanPlugin.Del,
    Check = MacvlanPlugin.Check,
    Status = MacvlanPlugin.Status,
    Gc = MacvlanPlugin.Gc,
}, args);
