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

    public void Dispose()
    {
        Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }
}
