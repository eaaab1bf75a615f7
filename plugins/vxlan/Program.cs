return CniPlugins.Vxlan.VxlanEntry.Run(args);
