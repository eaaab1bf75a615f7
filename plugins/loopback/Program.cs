using CniPlugins.Loopback;
using CniPlugins.Skel;

return PluginMain.Run("loopback", new CniCommands
{
    Add = LoopbackPlugin.Add,
    Del = LoopbackPlugin.Del,
    Check = LoopbackPlugin.Check,
}, args);
