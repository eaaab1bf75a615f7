using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Deploy;

/// <summary>What the release, image and manifest tests share: the repository's scripts and the suite's own account of itself.</summary>
internal static class Release
{
    public static string Script(string name) => Path.Combine(Paths.RepoRoot, "scripts", name);

    /// <summary>The plugins <c>cni-plugins --version</c> names: "cni-plugins v0.1.90+abc plugins: bridge host-local ...".</summary>
    public static string[] Plugins()
    {
        string about = Shell.Run(Paths.Ours("cni-plugins"), ["--version"]).EnsureSuccess("cni-plugins --version").Stdout;
        int at = about.IndexOf("plugins:", StringComparison.Ordinal);
        return at < 0 ? [] : about[(at + "plugins:".Length)..].Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Runs scripts/release.sh on <paramref name="bin"/> under <paramref name="umask"/>, as root or, with
    /// <paramref name="uid"/>, as that user (through setpriv), with <paramref name="epoch"/> as SOURCE_DATE_EPOCH if
    /// given; the tarball's path.
    /// </summary>
    public static string Make(string bin, string outDir, string umask = "022", int? uid = null, string? epoch = null)
    {
        string[] command = ["sh", "-c", "umask \"$0\" && exec \"$1\" --bin \"$2\" \"$3\"", umask, Script("release.sh"), bin, outDir];
        if (uid is int id)
        {
            command = ["setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", .. command];
        }

        var env = epoch is null ? null : new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = epoch };
        return Shell.Run(command[0], command[1..], env: env, timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("scripts/release.sh").Stdout.Trim();
    }
}
