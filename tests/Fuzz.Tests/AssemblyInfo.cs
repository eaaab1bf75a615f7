// The plugins under test are Linux-only, and so is the namespace sandbox.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// One fuzz target at a time: they share the machine's two cores with everything else.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
