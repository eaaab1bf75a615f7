return CniPlugins.Bridge.BridgeEntry.Run(args);
