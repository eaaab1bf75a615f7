return CniPlugins.HostLocal.HostLocalEntry.Run(args);
