using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Deploy;

/// <summary>
/// scripts/release.sh made from the binaries under test: the reference's layout (every entry at the top as
/// <c>./name</c>, a plugin per name, here links to <c>cni-plugins</c>), fixed owner, modes and times, checksum files
/// that verify, the same bytes from the same binaries, and an install from the extracted tarball that runs.
/// (scripts/test.sh runs the whole conformance suite against such an install.)
/// </summary>
public sealed class ReleaseTarballTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-release-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Tarball_has_the_reference_layout_with_a_link_per_plugin_and_fixed_owner_modes_and_times()
    {
        string tgz = Release.Make(Paths.OurBin, Path.Combine(_dir, "out"));
        string[] plugins = Release.Plugins();
        Assert.NotEmpty(plugins);
        Assert.Matches(@"/cni-plugins-linux-amd64-v[0-9]+\.[0-9]+\.[0-9]+\.tgz$", tgz);

        // gzip -n: no file name (FLG.FNAME) and no time stamp in the header.
        byte[] gz = File.ReadAllBytes(tgz);
        Assert.Equal(0, gz[3] & 0x08);
        Assert.Equal([0, 0, 0, 0], gz[4..8]);

        var entries = Read(tgz);
        string[] expected = ["./", "./LICENSE", "./README.md", "./cni-plugins", "./overlay-agent", .. plugins.Select(p => "./" + p)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), entries.Select(e => e.Name));

        long commitTime = long.Parse(Shell.Run("git", ["-C", Paths.RepoRoot, "log", "-1", "--format=%ct"]).EnsureSuccess("git log").Stdout.Trim());
        foreach (var e in entries)
        {
            Assert.True(e.Uid == 0 && e.Gid == 0, $"{e.Name} is owned by {e.Uid}:{e.Gid}");
            Assert.Equal(commitTime, e.ModificationTime.ToUnixTimeSeconds());
        }

        var byName = entries.ToDictionary(e => e.Name);
        foreach (string p in plugins)
        {
            Assert.Equal(TarEntryType.SymbolicLink, byName["./" + p].EntryType);
            Assert.Equal("cni-plugins", byName["./" + p].LinkName);
        }

        const UnixFileMode Exec = (UnixFileMode)0b111_101_101, Data = (UnixFileMode)0b110_100_100;
        Assert.Equal(TarEntryType.Directory, byName["./"].EntryType);
        Assert.Equal(Exec, byName["./"].Mode);
        foreach (string f in new[] { "./cni-plugins", "./overlay-agent" })
        {
            Assert.Equal(TarEntryType.RegularFile, byName[f].EntryType);
            Assert.Equal(Exec, byName[f].Mode);
        }

        Assert.Equal(Data, byName["./LICENSE"].Mode);
        Assert.Equal(Data, byName["./README.md"].Mode);
        Assert.Equal(File.ReadAllBytes(Paths.Ours("cni-plugins")), byName["./cni-plugins"].Data);
        Assert.Equal(File.ReadAllBytes(Paths.Ours("overlay-agent")), byName["./overlay-agent"].Data);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Paths.RepoRoot, "LICENSE")), byName["./LICENSE"].Data);
    }

    [Fact]
    public void Checksum_files_name_the_tarball_and_verify()
    {
        string tgz = Release.Make(Paths.OurBin, Path.Combine(_dir, "out"));
        string name = Path.GetFileName(tgz);
        byte[] bytes = File.ReadAllBytes(tgz);
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {name}\n", File.ReadAllText(tgz + ".sha256"));
        Assert.Equal($"{Convert.ToHexStringLower(SHA512.HashData(bytes))}  {name}\n", File.ReadAllText(tgz + ".sha512"));
        foreach (var (tool, sums) in new[] { ("sha256sum", name + ".sha256"), ("sha512sum", name + ".sha512") })
        {
            var check = Shell.Run("sh", ["-c", "cd \"$0\" && exec \"$1\" -c \"$2\"", Path.GetDirectoryName(tgz)!, tool, sums]);
            Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
            Assert.Equal($"{name}: OK\n", check.Stdout);
        }
    }

    [Fact]
    public void The_same_binaries_make_the_same_bytes_whatever_the_user_file_times_and_umask()
    {
        const string Epoch = "1700000000";
        string a = Release.Make(CopyOfBin("a"), Path.Combine(_dir, "out-a"), epoch: Epoch);

        // Again as another user (nobody) whose umask drops every group and other bit, from copies with other times.
        const int Nobody = 65534;
        string b = CopyOfBin("b");
        Shell.Run("touch", ["-h", "-d", "2001-02-03 04:05:06", b, .. Directory.GetFileSystemEntries(b)]).EnsureSuccess("touch");
        string outB = Directory.CreateDirectory(Path.Combine(_dir, "out-b")).FullName;
        Shell.Run("chmod", ["755", _dir]).EnsureSuccess("chmod");
        Shell.Run("chown", [$"{Nobody}:{Nobody}", outB]).EnsureSuccess("chown");
        string bTgz = Release.Make(b, outB, umask: "077", uid: Nobody, epoch: Epoch);

        Assert.Equal(Path.GetFileName(a), Path.GetFileName(bTgz));
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(bTgz));
        Assert.Equal(File.ReadAllText(a + ".sha512"), File.ReadAllText(bTgz + ".sha512"));
        Assert.All(Read(a), e => Assert.Equal(1700000000, e.ModificationTime.ToUnixTimeSeconds()));
    }

    [Fact]
    public void Installed_from_the_extracted_tarball_every_plugin_runs_through_its_link()
    {
        string tgz = Release.Make(Paths.OurBin, Path.Combine(_dir, "out"));
        string x = Directory.CreateDirectory(Path.Combine(_dir, "x")).FullName;
        Shell.Run("tar", ["-C", x, "-xzf", tgz]).EnsureSuccess("tar -x");
        string dest = Path.Combine(_dir, "opt", "cni", "bin");
        Shell.Run(Path.Combine(x, "cni-plugins"), ["install", "--dest", dest]).EnsureSuccess("cni-plugins install");

        Assert.Equal(File.ReadAllBytes(Path.Combine(x, "cni-plugins")), File.ReadAllBytes(Path.Combine(dest, "cni-plugins")));
        foreach (string p in Release.Plugins())
        {
            string link = Path.Combine(dest, p);
            Assert.Equal("cni-plugins", new FileInfo(link).LinkTarget);
            var v = Shell.Run(link, [], env: new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" });
            Assert.True(v.ExitCode == 0, $"{p}: {v.Stderr}");
            Assert.StartsWith("""{"cniVersion":"1.1.0","supportedVersions":[""", v.Stdout);
        }
    }

    /// <summary>The binaries under test copied (links as links) into a fresh directory.</summary>
    private string CopyOfBin(string name)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        Shell.Run("cp", ["-P", Paths.Ours("cni-plugins"), Paths.Ours("overlay-agent"), .. Release.Plugins().Select(Paths.Ours), dir])
            .EnsureSuccess("cp");
        return dir;
    }

    private sealed record Entry(string Name, TarEntryType EntryType, UnixFileMode Mode, int Uid, int Gid,
        DateTimeOffset ModificationTime, string LinkName, byte[] Data);

    private static List<Entry> Read(string tgz)
    {
        using var gz = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress);
        using var reader = new TarReader(gz);
        var entries = new List<Entry>();
        while (reader.GetNextEntry() is { } e)
        {
            using var data = new MemoryStream();
            e.DataStream?.CopyTo(data);
            entries.Add(new Entry(e.Name, e.EntryType, e.Mode, e.Uid, e.Gid, e.ModificationTime, e.LinkName, data.ToArray()));
        }

        return entries;
    }
}
