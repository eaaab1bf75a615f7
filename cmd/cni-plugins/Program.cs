using CniPlugins.MultiCall;

// argv[0] as the process was started (a link's own name), not Environment.ProcessPath, which resolves the link.
return Dispatch.Run(Environment.GetCommandLineArgs()[0], args);
