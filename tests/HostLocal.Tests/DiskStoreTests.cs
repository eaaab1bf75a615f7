using System.Net;
using CniPlugins.Fs;
using CniPlugins.HostLocal.Disk;
using Xunit;

namespace CniPlugins.HostLocal.Tests;

/// <summary>The on-disk store and its index, against a temp dataDir and a temp indexDir.</summary>
public sealed class DiskStoreTests : IDisposable
{
    private const string Net = "unitnet";
    private readonly string _root = Directory.CreateTempSubdirectory("cnit-hl-unit-").FullName;

    private string DataDir => Path.Join(_root, "data");

    private string IndexDir => Path.Join(_root, "index");

    private string NetDir => Path.Join(DataDir, Net);

    private static IPAddress Ip(string s) => IPAddress.Parse(s);

    [Fact]
    public void A_reservation_is_the_references_file_and_is_found_and_released_by_attachment()
    {
        using (var store = Open())
        {
            Assert.True(store.Reserve("c1", "eth0", Ip("10.1.0.2"), 0));
            Assert.False(store.Reserve("c2", "eth0", Ip("10.1.0.2"), 0));
            Assert.True(store.Reserve("c1", "net1", Ip("10.1.0.3"), 0));
            Assert.True(store.Indexed);
        }

        Assert.Equal("c1\r\neth0", File.ReadAllText(Path.Join(NetDir, "10.1.0.2")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Join(NetDir, "10.1.0.2")));
        Assert.Equal("10.1.0.3", File.ReadAllText(Path.Join(NetDir, "last_reserved_ip.0")));
        Assert.Equal(["10.1.0.2", "10.1.0.3", "last_reserved_ip.0", "lock"], Names(NetDir));

        using (var store = Open())
        {
            Assert.Equal([Ip("10.1.0.2")], store.GetById("c1", "eth0"));
            Assert.True(store.IsReservedFor(Ip("10.1.0.3"), "c1", "net1"));
            Assert.Equal([Ip("10.1.0.2")], store.ReleaseById("c1", "eth0"));
            Assert.Empty(store.GetById("c1", "eth0"));
            Assert.Equal([Ip("10.1.0.3")], store.GetById("c1", "net1"));
        }

        Assert.Equal(["10.1.0.3", "last_reserved_ip.0", "lock"], Names(NetDir));
    }

    [Fact]
    public void A_shorter_cursor_leaves_nothing_of_a_longer_one()
    {
        Directory.CreateDirectory(NetDir);
        File.WriteAllText(Path.Join(NetDir, "last_reserved_ip.0"), "10.1.0.25");
        using (var store = Open())
        {
            Assert.Equal(Ip("10.1.0.25"), store.LastReservedIp(0));
            Assert.True(store.Reserve("c1", "eth0", Ip("10.1.0.3"), 0));
        }

        Assert.Equal("10.1.0.3", File.ReadAllText(Path.Join(NetDir, "last_reserved_ip.0")));
    }

    [Fact]
    public void The_index_follows_files_other_programs_create_remove_and_replace()
    {
        using (var store = Open())
        {
            Assert.True(store.Reserve("mine", "eth0", Ip("10.1.0.2"), 0));
        }

        // Another program: a new reservation, one removed, and one replaced under the same name.
        File.WriteAllText(Path.Join(NetDir, "10.1.0.9"), "theirs\r\neth0");
        File.Delete(Path.Join(NetDir, "10.1.0.2"));
        using (var store = Open())
        {
            Assert.Equal([Ip("10.1.0.9")], store.GetById("theirs", "eth0"));
            Assert.Empty(store.GetById("mine", "eth0"));
        }

        File.Delete(Path.Join(NetDir, "10.1.0.9"));
        File.WriteAllText(Path.Join(NetDir, "10.1.0.9"), "other\r\neth0");
        using (var store = Open())
        {
            Assert.Empty(store.GetById("theirs", "eth0"));
            Assert.Equal([Ip("10.1.0.9")], store.ReleaseById("other", "eth0"));
        }

        Assert.Equal(["last_reserved_ip.0", "lock"], Names(NetDir));
    }

    [Fact]
    public void The_index_lives_in_the_index_directory_alone_and_answers_without_reading_every_file()
    {
        using (var store = Open())
        {
            for (int i = 2; i < 40; i++)
            {
                Assert.True(store.Reserve($"c{i}", "eth0", Ip($"10.1.0.{i}"), 0));
            }
        }

        var indexDirs = Directory.GetDirectories(IndexDir);
        Assert.Single(indexDirs);
        Assert.EndsWith("-" + Net, indexDirs[0]);
        Assert.True(File.Exists(Path.Join(indexDirs[0], "state")));

        // Lookups read only the files the index points at: a file rewritten in place (same name and inode, which
        // neither implementation does) to claim another attachment is not seen, where a scan would see it.
        using (var f = new FileStream(Path.Join(NetDir, "10.1.0.20"), FileMode.Open, FileAccess.Write))
        {
            f.Write("c7\r\neth0"u8);
            f.SetLength(f.Position);
        }

        using (var store = Open())
        {
            Assert.True(store.Indexed);
            Assert.Equal([Ip("10.1.0.7")], store.GetById("c7", "eth0"));
            Assert.Equal([Ip("10.1.0.8")], store.ReleaseById("c8", "eth0"));
        }

        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(DataDir), e => Path.GetFileName(e) != Net);
    }

    [Fact]
    public void An_index_that_cannot_be_written_falls_back_to_reading_the_store()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(IndexDir, "not a directory");
        using var store = Open();
        Assert.False(store.Indexed);
        Assert.True(store.Reserve("c1", "eth0", Ip("10.1.0.2"), 0));
        Assert.Equal([Ip("10.1.0.2")], store.GetById("c1", "eth0"));
        Assert.Equal([Ip("10.1.0.2")], store.ReleaseById("c1", "eth0"));
    }

    [Fact]
    public void Legacy_id_only_files_are_found_after_the_attachment()
    {
        Directory.CreateDirectory(NetDir);
        File.WriteAllText(Path.Join(NetDir, "10.1.0.7"), "old\n");
        using var store = Open();
        Assert.Equal([Ip("10.1.0.7")], store.GetById("old", "eth0"));
        Assert.Equal([Ip("10.1.0.7")], store.ReleaseById("old", "eth0"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DiskStore Open() => DiskStore.Open(Net, DataDir, IndexDir);

    private static List<string> Names(string dir) =>
        Directory.EnumerateFileSystemEntries(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
}

/// <summary>Files written whole under their name, with and without O_TMPFILE; links never followed.</summary>
public sealed class StoreDirectoryTests : IDisposable
{
    private const int Mode0644 = 0b110_100_100;
    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-hl-dir-").FullName;
    private readonly string _outside = Path.GetTempFileName();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_new_file_appears_whole_under_the_first_free_name_and_nothing_else_remains(bool unnamed)
    {
        File.WriteAllText(Path.Join(_dir, "taken"), "x");
        File.WriteAllText(_outside, "outside");
        File.CreateSymbolicLink(Path.Join(_dir, ".scratch"), _outside); // a stale scratch name, as a link

        using var dir = StoreDirectory.Open(_dir);
        using (var file = dir.Prepare("c1\r\neth0", Mode0644, ".scratch", unnamed))
        {
            Assert.Equal(!unnamed, file.UsesScratchName);
            Assert.False(file.TryLinkAs("taken"));
            Assert.True(file.TryLinkAs("free"));
        }

        Assert.Equal("c1\r\neth0", File.ReadAllText(Path.Join(_dir, "free")));
        Assert.Equal("x", File.ReadAllText(Path.Join(_dir, "taken")));
        Assert.Equal("outside", File.ReadAllText(_outside));
        Assert.Equal((UnixFileMode)Mode0644, File.GetUnixFileMode(Path.Join(_dir, "free")));
        // Without O_TMPFILE the stale scratch link is removed (never followed) and so is the scratch file after use.
        Assert.Equal(unnamed ? [".scratch", "free", "taken"] : ["free", "taken"],
            Directory.EnumerateFileSystemEntries(_dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Links_read_as_absent_and_a_rewrite_replaces_them()
    {
        File.WriteAllText(_outside, "outside");
        File.CreateSymbolicLink(Path.Join(_dir, "cursor"), _outside);
        using var dir = StoreDirectory.Open(_dir);
        Assert.Null(dir.TryRead("cursor"));
        dir.Rewrite("cursor", "10.1.0.3", Mode0644);
        Assert.Equal("outside", File.ReadAllText(_outside));
        Assert.Null(new FileInfo(Path.Join(_dir, "cursor")).LinkTarget);
        Assert.Equal("10.1.0.3", dir.TryRead("cursor"));
    }

    [Fact]
    public void A_listing_longer_than_its_first_read_gives_every_name_once()
    {
        // Names of 255 bytes: the first read holds about a dozen, the rest come in larger reads.
        var written = Enumerable.Range(0, 600).Select(i => i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 251)).ToList();
        foreach (string n in written)
        {
            File.WriteAllText(Path.Join(_dir, n), "");
        }

        using var dir = StoreDirectory.Open(_dir);
        var names = new List<string>();
        foreach (var e in dir.Entries())
        {
            names.Add(System.Text.Encoding.UTF8.GetString(e.Name));
        }

        Assert.Equal(written.Append(".").Append("..").Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_listing_gives_every_name_with_its_inode_and_the_summary_ignores_order()
    {
        using var dir = StoreDirectory.Open(_dir);
        var empty = AttachmentIndex.Summarize(dir);
        foreach (string n in new[] { "10.1.0.2", "10.1.0.3", "lock", "last_reserved_ip.0", ".reserve.tmp" })
        {
            File.WriteAllText(Path.Join(_dir, n), n);
        }

        var names = new List<string>();
        foreach (var e in dir.Entries())
        {
            names.Add(System.Text.Encoding.UTF8.GetString(e.Name));
            Assert.NotEqual(0UL, e.Ino);
        }

        Assert.Equal([".", "..", ".reserve.tmp", "10.1.0.2", "10.1.0.3", "last_reserved_ip.0", "lock"], names.Order(StringComparer.Ordinal));
        var two = AttachmentIndex.Summarize(dir);
        Assert.Equal(2, two.Count);
        Assert.NotEqual(empty.Fingerprint, two.Fingerprint);
        Assert.Equal(two, AttachmentIndex.Summarize(dir));

        // Same count, another name: the fingerprint tells them apart.
        File.Move(Path.Join(_dir, "10.1.0.3"), Path.Join(_dir, "10.1.0.4"));
        Assert.NotEqual(two.Fingerprint, AttachmentIndex.Summarize(dir).Fingerprint);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        File.Delete(_outside);
    }
}
