using CniPlugins.Portmap;
using CniPlugins.Skel;

return PluginMain.Run("portmap", new CniCommands
{
    Add = PortmapCommands.Add,
    Del = PortmapCommands.Del,
    Check = PortmapCommands.Check,
    Gc = PortmapCommands.Gc,
    Status = _ => { },
}, args);
