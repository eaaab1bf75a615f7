return CniPlugins.Macvlan.MacvlanEntry.Run(args);
