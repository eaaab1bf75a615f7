using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance;

/// <summary>What ships: one self-contained file per plugin, nothing beside it needed at run time.</summary>
public sealed class PublishedBinariesTests
{
    public static TheoryData<string> Plugins => new() { "loopback", "bridge", "macvlan", "host-local" };

    [Theory]
    [MemberData(nameof(Plugins))]
    public void Each_binary_runs_alone_in_an_empty_directory(string plugin)
    {
        string dir = Directory.CreateTempSubdirectory("cnit-alone-").FullName;
        try
        {
            string copy = Path.Combine(dir, plugin);
            File.Copy(Paths.Ours(plugin), copy);
            var v = Shell.Run(copy, [], "", new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" });
            Assert.Equal(0, v.ExitCode);
            Assert.StartsWith("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.1.0\",", v.Stdout);
            Assert.Single(Directory.GetFiles(dir));

            // Only the C library and the loader: no .NET runtime, no side-car native libraries.
            var libs = Shell.Run("ldd", [copy]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Trim().Split(' ')[0]).ToArray();
            Assert.All(libs, l => Assert.Matches(@"^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1)$", l));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
