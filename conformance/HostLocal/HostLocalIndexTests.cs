using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>
/// The by-attachment index lives in indexDir, one directory per dataDir and network, and never gives an answer
/// the address files contradict, whatever another program did to them between our runs.
/// </summary>
public sealed class HostLocalIndexTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.97.0.0/24"}]]""";

    [Fact]
    public void An_address_released_and_given_to_another_container_under_the_same_name_is_seen()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        string file = Path.Combine(store.NetDir, "10.97.0.2");
        var inodes = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            Assert.True(Run(Ref, "ADD", $"first{i}", conf, args: "IP=10.97.0.2").Success);
            Assert.True(Run(Ours, "CHECK", $"first{i}", conf).Success); // our index now knows the file
            inodes.Add(Inode(file));

            // The reference frees the file and creates it anew for another container: same name, and on ext4
            // (which hands out the lowest free inode) the same inode number too, so only the contents differ.
            Assert.True(Run(Ref, "DEL", $"first{i}", conf).Success);
            var taken = Run(Ref, "ADD", $"second{i}", conf, args: "IP=10.97.0.2");
            Assert.True(taken.Success, taken.ToString());
            inodes.Add(Inode(file));

            var dup = Run(Ours, "ADD", $"second{i}", conf);
            Assert.False(dup.Success, $"round {i}, inodes {string.Join(",", inodes)}: {dup}");
            Assert.Contains("duplicate allocation", dup.ErrorMessage);
            Assert.True(Run(Ours, "DEL", $"second{i}", conf).Success);
            Assert.Empty(store.Reservations());
        }
    }

    /// <summary>
    /// A run that changed nothing since the last record lists nothing: it trusts the directory's ctime. What the
    /// reference does right after our run (the next process, under the same lock) must still move it.
    /// </summary>
    [Fact]
    public void What_the_reference_takes_or_releases_right_after_our_run_is_seen_by_the_next()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(Run(Ours, "ADD", $"ours{i}", conf).Success);
            var taken = Run(Ref, "ADD", $"theirs{i}", conf);
            Assert.True(taken.Success, taken.ToString());

            // Only the index can lead our DEL to the reference's file; a stale one leaves it behind.
            Assert.True(Run(Ours, "DEL", $"theirs{i}", conf).Success);
            Assert.DoesNotContain(store.Reservations().Values, v => v.StartsWith($"theirs{i}\r", StringComparison.Ordinal));

            Assert.True(Run(Ref, "DEL", $"ours{i}", conf).Success);
            var again = Run(Ours, "ADD", $"ours{i}", conf);
            Assert.True(again.Success, $"round {i}: {again}");
            Assert.True(Run(Ours, "DEL", $"ours{i}", conf).Success);
            Assert.Empty(store.Reservations());
        }
    }

    /// <summary>
    /// A file removed and created again under the same name for another container within a moment of our run's
    /// end (most rounds within the clock tick of the ctime our run recorded), often with the same inode number.
    /// </summary>
    [Fact]
    public void A_file_replaced_for_another_container_right_after_our_run_is_seen_by_the_next()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        string file = Path.Combine(store.NetDir, "10.97.0.2");
        for (int i = 0; i < 30; i++)
        {
            Assert.True(Run(Ours, "ADD", $"first{i}", conf, args: "IP=10.97.0.2").Success);
            File.Delete(file);
            File.WriteAllText(file, $"second{i}\r\neth0");

            Assert.True(Run(Ours, "DEL", $"second{i}", conf).Success);
            Assert.False(File.Exists(file), $"round {i}: the file written for second{i} was not found by its DEL");
        }
    }

    private static string Inode(string path) => Shell.Run("stat", ["-c", "%i", path]).EnsureSuccess("stat").Stdout.Trim();

    [Fact]
    public void A_reservation_renamed_or_removed_by_another_program_is_seen()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "moved", conf).Success);
        Assert.True(Run(Ours, "ADD", "removed", conf).Success);
        File.Move(Path.Combine(store.NetDir, "10.97.0.2"), Path.Combine(store.NetDir, "10.97.0.40"));
        File.Delete(Path.Combine(store.NetDir, "10.97.0.3"));

        var again = Run(Ours, "ADD", "removed", conf);
        Assert.True(again.Success, again.ToString());
        Assert.True(Run(Ours, "DEL", "moved", conf).Success);
        Assert.Equal(["10.97.0.4"], store.Reservations().Keys);
    }

    [Fact]
    public void Each_data_dir_and_network_has_its_own_index_directory_outside_the_data_dir()
    {
        using var a = new HostLocalStore();
        using var b = new HostLocalStore();
        string sharedIndex = a.IndexDir;
        string confA = a.Conf("1.0.0", Ipam);
        string confB = b.Conf("1.0.0", Ipam).Replace(b.IndexDir, sharedIndex);

        Assert.True(Run(Ours, "ADD", "same-id", confA).Success);
        var inB = Run(Ours, "ADD", "same-id", confB);
        Assert.True(inB.Success, inB.ToString());

        var dirs = Directory.GetDirectories(sharedIndex).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(2, dirs.Count);
        Assert.All(dirs, d => Assert.Matches("^[0-9a-f]{16}-" + Network + "$", d));
        Assert.Equal(["hlnet"], Directory.EnumerateFileSystemEntries(a.DataDir).Select(Path.GetFileName));
        Assert.Equal(["hlnet"], Directory.EnumerateFileSystemEntries(b.DataDir).Select(Path.GetFileName));
        Assert.False(Directory.Exists(b.IndexDir));
    }

    [Fact]
    public void An_index_directory_that_cannot_be_written_only_costs_speed()
    {
        using var store = new HostLocalStore();
        File.WriteAllText(store.IndexDir, "a file where the index directory should be");
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "a", conf).Success);
        Assert.False(Run(Ours, "ADD", "a", conf).Success);
        Assert.True(Run(Ours, "CHECK", "a", conf).Success);
        Assert.True(Run(Ours, "DEL", "a", conf).Success);
        Assert.Empty(store.Reservations());
        File.Delete(store.IndexDir);
    }
}
