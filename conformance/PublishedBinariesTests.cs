using System.Diagnostics;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance;

/// <summary>What ships: one static, self-contained file per plugin, nothing beside it needed at run time.</summary>
public sealed class PublishedBinariesTests
{
    private const string Versions = "0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0";

    public static TheoryData<string> Plugins => new() { "loopback", "bridge", "macvlan", "host-local", "portmap" };

    [Theory]
    [MemberData(nameof(Plugins))]
    public void Each_binary_is_static(string plugin)
    {
        var elf = ElfImage.Read(Paths.Ours(plugin));
        // A fixed-address executable with no loader named and no shared library asked for: the kernel maps it and
        // jumps in, whatever the machine's C library (or lack of one).
        Assert.Equal(ElfImage.ET_EXEC, elf.Type);
        Assert.False(elf.HasInterpreter, $"{plugin} names a dynamic loader (PT_INTERP)");
        Assert.Equal(0, elf.NeededCount);
    }

    [Theory]
    [MemberData(nameof(Plugins))]
    public void Each_binary_runs_alone_in_an_empty_directory(string plugin)
    {
        string dir = Directory.CreateTempSubdirectory("cnit-alone-").FullName;
        try
        {
            string copy = Path.Combine(dir, plugin);
            // By cp(1), not File.Copy: a test forking in parallel could hold this process's write descriptor at the
            // exec below, which would fail with "Text file busy". cp follows bin/'s link to the multi-call file.
            Shell.Run("cp", [Paths.Ours(plugin), copy]).EnsureSuccess("cp");

            var about = RunBare(copy, dir, ["--version"], []);
            Assert.Equal(0, about.ExitCode);
            Assert.Matches($@"^CNI {plugin} plugin v[0-9]+\.[0-9]+\.[0-9]+\S*\nCNI protocol versions supported: {Versions}\n$", about.Stdout);

            var v = RunBare(copy, dir, [], new() { ["CNI_COMMAND"] = "VERSION" });
            Assert.Equal(0, v.ExitCode);
            Assert.Equal("""{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""" + "\n", v.Stdout);
            Assert.Equal("", v.Stderr);

            // Nothing unpacked or written beside it.
            Assert.Equal([copy], Directory.GetFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="file"/> in <paramref name="dir"/> with only <paramref name="env"/> set: no PATH, no DOTNET_*, no HOME.</summary>
    private static Shell.Output RunBare(string file, string dir, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish");
        }

        return new Shell.Output(p.ExitCode, stdout.Result, stderr.Result);
    }
}
