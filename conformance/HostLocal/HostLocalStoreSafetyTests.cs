using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>
/// The store never writes through a symbolic link planted in it, and says which operation failed when it cannot
/// write at all. Each link points at a file outside the store holding known content.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostLocalStoreSafetyTests : IDisposable
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.94.0.0/24"}]]""";
    private const string Known = "outside the store\n";

    private readonly string _outside = Directory.CreateTempSubdirectory("cnit-hl-outside-").FullName;

    private string Target => Path.Combine(_outside, "target");

    [Fact]
    public void A_link_at_the_scratch_name_is_never_written_through()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Directory.CreateDirectory(store.NetDir);
        PlantLink(Path.Combine(store.NetDir, ".reserve.tmp"));

        var add = Run(Ours, "ADD", "c1", conf);
        Assert.True(add.Success, add.ToString());
        Assert.True(Run(Ours, "ADD", "c2", conf).Success);
        Assert.True(Run(Ours, "DEL", "c1", conf).Success);

        Assert.Equal(Known, File.ReadAllText(Target));
        Assert.Equal(new SortedDictionary<string, string> { ["10.94.0.3"] = "c2\r\neth0" }, store.Reservations());
        AssertRegularFile(Path.Combine(store.NetDir, "10.94.0.3"));
    }

    [Fact]
    public void A_reservation_that_is_a_link_is_neither_followed_nor_recycled()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Directory.CreateDirectory(store.NetDir);
        File.WriteAllText(Target, "c1\r\neth0");
        File.CreateSymbolicLink(Path.Combine(store.NetDir, "10.94.0.2"), Target);

        // The link takes its address, but what it points at is nobody's reservation: DEL leaves it alone.
        Assert.True(Run(Ours, "DEL", "c1", conf).Success);
        for (int i = 0; i < 3; i++)
        {
            var add = Run(Ours, "ADD", $"n{i}", conf);
            Assert.True(add.Success, add.ToString());
            Assert.True(Run(Ours, "DEL", $"n{i}", conf).Success);
        }

        var last = Run(Ours, "ADD", "last", conf);
        Assert.True(last.Success, last.ToString());
        Assert.Equal("c1\r\neth0", File.ReadAllText(Target));
        Assert.NotNull(new FileInfo(Path.Combine(store.NetDir, "10.94.0.2")).LinkTarget);
        Assert.DoesNotContain("10.94.0.2", (string)last.Json!["ips"]![0]!["address"]!);
    }

    [Fact]
    public void A_link_at_the_lock_is_refused_with_a_clear_error_and_its_target_untouched()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Directory.CreateDirectory(store.NetDir);
        PlantLink(Path.Combine(store.NetDir, "lock"));

        foreach (string verb in new[] { "ADD", "DEL" })
        {
            var outcome = Run(Ours, verb, "c1", conf);
            Assert.False(outcome.Success);
            Assert.Equal(5, outcome.ErrorCode);
            Assert.Contains("lock", outcome.ErrorMessage);
            Assert.Contains("symbolic link", outcome.ErrorMessage);
        }

        Assert.Equal(Known, File.ReadAllText(Target));
        Assert.Empty(store.Reservations());

        // A dangling link: O_CREAT through it would create its target.
        File.Delete(Target);
        Assert.False(Run(Ours, "ADD", "c1", conf).Success);
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public void A_link_at_the_cursor_is_replaced_and_its_target_untouched()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Directory.CreateDirectory(store.NetDir);
        string cursor = Path.Combine(store.NetDir, "last_reserved_ip.0");
        PlantLink(cursor);

        var add = Run(Ours, "ADD", "c1", conf);
        Assert.True(add.Success, add.ToString());
        Assert.True(Run(Ours, "DEL", "c1", conf).Success);

        Assert.Equal(Known, File.ReadAllText(Target));
        AssertRegularFile(cursor);
        Assert.Equal("10.94.0.2", File.ReadAllText(cursor));
        Assert.Equal("0644", Mode(cursor));
    }

    [NeedsToolsFact("unshare", "mount", "sh")]
    public void A_read_only_store_names_the_operation_that_failed()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "before", conf).Success);

        // The network directory is bound onto itself read-only inside a mount namespace of this call alone.
        var add = ReadOnly(store, "ADD", "c1", conf);
        Assert.False(add.Success);
        Assert.Equal(5, add.ErrorCode);
        Assert.Equal($"failed to reserve 10.94.0.3 in {store.NetDir}: Read-only file system", add.ErrorMessage);

        var del = ReadOnly(store, "DEL", "before", conf);
        Assert.False(del.Success);
        Assert.Equal(5, del.ErrorCode);
        Assert.Equal($"failed to release 10.94.0.2 in {store.NetDir}: Read-only file system", del.ErrorMessage);

        Assert.Equal(new SortedDictionary<string, string> { ["10.94.0.2"] = "before\r\neth0" }, store.Reservations());
        Assert.True(Run(Ours, "DEL", "before", conf).Success);
    }

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    internal static string Mode(string path) =>
        Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');

    private static void AssertRegularFile(string path)
    {
        var info = new FileInfo(path);
        Assert.True(info.Exists, path);
        Assert.Null(info.LinkTarget);
    }

    private static CniOutcome ReadOnly(HostLocalStore store, string verb, string id, string conf)
    {
        const string script = """mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" """;
        var output = Shell.Run("unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", store.NetDir, Ours], conf, Env(verb, id));
        return new CniOutcome(output.ExitCode, output.Stdout, output.Stderr);
    }

    private void PlantLink(string at)
    {
        File.WriteAllText(Target, Known);
        File.CreateSymbolicLink(at, Target);
    }
}
