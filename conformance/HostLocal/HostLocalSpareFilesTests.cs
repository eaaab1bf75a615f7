using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>
/// Files a DEL drops are kept beside the index and reused by later ADDs: the network directory must look exactly
/// as if they had been unlinked and created anew, to the reference binary as much as to ours.
/// </summary>
public sealed class HostLocalSpareFilesTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.91.0.0/24"}]]""";

    [Fact]
    public void A_del_keeps_the_dropped_files_outside_the_network_directory_and_the_next_add_reuses_them()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "first-container-with-a-long-id", conf).Success);
        long inode = Inode(Path.Combine(store.NetDir, "10.91.0.2"));

        Assert.True(Run(Ours, "DEL", "first-container-with-a-long-id", conf).Success);
        Assert.Empty(store.Reservations());
        Assert.Contains(Spares(store), s => Inode(s) == inode);

        var add = Run(Ours, "ADD", "c2", conf, ifName: "net1");
        Assert.True(add.Success, add.ToString());
        // The reused file holds exactly the new content: nothing of the longer old one after it.
        Assert.Equal(new SortedDictionary<string, string> { ["10.91.0.3"] = "c2\r\nnet1" }, store.Reservations());
        Assert.Equal("10.91.0.3", File.ReadAllText(Path.Combine(store.NetDir, "last_reserved_ip.0")));
        Assert.Equal(inode, Inode(Path.Combine(store.NetDir, "10.91.0.3")));
        Assert.False(File.Exists(Path.Combine(store.NetDir, ".reserve.tmp")));
    }

    [Fact]
    public void The_reference_releases_a_reservation_written_into_a_reused_file()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "old", conf).Success);
        Assert.True(Run(Ours, "DEL", "old", conf).Success);
        Assert.True(Run(Ours, "ADD", "new", conf).Success);
        Assert.Single(store.Reservations());

        var del = Run(Ref, "DEL", "new", conf);
        Assert.True(del.Success, del.ToString());
        Assert.Empty(store.Reservations());
    }

    [Fact]
    public void At_most_eight_files_are_kept_and_the_rest_are_unlinked()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        for (int i = 0; i < 12; i++)
        {
            Assert.True(Run(Ours, "ADD", $"c{i}", conf).Success);
        }

        for (int i = 0; i < 12; i++)
        {
            Assert.True(Run(Ours, "DEL", $"c{i}", conf).Success);
        }

        Assert.Empty(store.Reservations());
        Assert.Equal(8, Spares(store).Count);

        // Every ADD takes its files from the pool again; all addresses distinct, all releasable.
        for (int i = 0; i < 12; i++)
        {
            Assert.True(Run(Ours, "ADD", $"d{i}", conf).Success);
        }

        Assert.Equal(12, store.Reservations().Count);
        Assert.Equal(12, store.Reservations().Values.Distinct().Count());
        Assert.Empty(Spares(store));
    }

    private static List<string> Spares(HostLocalStore store)
    {
        string dir = Path.Combine(store.DataDir, ".host-local-index", Network);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "spare.*").ToList() : [];
    }

    private static long Inode(string path) =>
        long.Parse(Shell.Run("stat", ["-c", "%i", path]).EnsureSuccess("stat " + path).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
