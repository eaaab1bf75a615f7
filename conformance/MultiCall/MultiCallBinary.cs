using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.MultiCall;

/// <summary>The published multi-call file and a scratch directory per test to install into, removed afterwards.</summary>
public abstract class MultiCallBinary : IDisposable
{
    public static readonly string[] PluginNames = ["bridge", "host-local", "loopback", "macvlan", "portmap", "vxlan"];

    protected MultiCallBinary()
    {
        Scratch = Directory.CreateTempSubdirectory("cnit-multicall-").FullName;
    }

    /// <summary>bin/cni-plugins (or $CNI_PLUGINS_BIN's).</summary>
    protected static string Binary => Paths.Ours("cni-plugins");

    protected string Scratch { get; }

    /// <summary>Skips the test when the published build is the per-plugin one (scripts/build.sh --separate).</summary>
    protected static void RequireMultiCall() =>
        Skip.IfNot(File.Exists(Binary), $"no multi-call build in {Paths.OurBin} (scripts/build.sh without --separate)");

    protected static Shell.Output Run(string file, params string[] args) => Shell.Run(file, args);

    /// <summary>
    /// Copies an executable with cp(1), optionally with one byte more at the end (which the ELF loader ignores): a
    /// file written by this process could be exec'ed while a test running in parallel forks with its write descriptor
    /// still open, and the exec would fail with "Text file busy".
    /// </summary>
    protected static void CopyExecutable(string from, string to, bool oneByteMore = false) =>
        Shell.Run("sh", ["-c", oneByteMore ? "cp \"$1\" \"$2\" && printf '\\0' >> \"$2\"" : "cp \"$1\" \"$2\"", "sh", from, to])
            .EnsureSuccess("cp");

    public void Dispose()
    {
        Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }
}
