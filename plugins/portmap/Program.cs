return CniPlugins.Portmap.PortmapEntry.Run(args);
