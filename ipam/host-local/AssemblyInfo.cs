// The store relies on Unix file modes, flock(2) and link(2); the plugin exists for Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
