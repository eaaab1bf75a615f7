return CniPlugins.Loopback.LoopbackEntry.Run(args);
