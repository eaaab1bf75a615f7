namespace CniPlugins.Conformance.Infrastructure;

/// <summary>Where the binaries under test are: ours as published by scripts/build.sh, the reference from Debian.</summary>
public static class Paths
{
    public static readonly string RepoRoot = FindRepoRoot();

    /// <summary>Our published plugins; CNI_PLUGINS_BIN overrides.</summary>
    public static readonly string OurBin =
        Environment.GetEnvironmentVariable("CNI_PLUGINS_BIN") is { Length: > 0 } dir ? dir : Path.Combine(RepoRoot, "bin");

    /// <summary>The reference Go plugins (Debian package containernetworking-plugins).</summary>
    public const string ReferenceBin = "/usr/lib/cni";

    public static string Ours(string plugin) => Path.Combine(OurBin, plugin);

    public static string Reference(string plugin) => Path.Combine(ReferenceBin, plugin);

    public static bool HasReference(string plugin) => File.Exists(Reference(plugin));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "cni-plugins.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (cni-plugins.sln) above the test assembly");
    }
}
