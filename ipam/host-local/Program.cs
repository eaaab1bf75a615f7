using CniPlugins.HostLocal;
using CniPlugins.Skel;

return PluginMain.Run("host-local", new CniCommands
{
    Add = HostLocalPlugin.Add,
    Del = HostLocalPlugin.Del,
    Check = HostLocalPlugin.Check,
    Gc = HostLocalPlugin.Gc,
    Status = HostLocalPlugin.Status,
}, args);
