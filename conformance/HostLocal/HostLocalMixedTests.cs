using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>One store, both binaries: whatever one wrote, the other reads, continues and releases.</summary>
public sealed class HostLocalMixedTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.60.0.0/24"}],[{"subnet":"fd00:60::/64"}]]""";

    private static string Address(CniOutcome o, int i) => (string)o.Json!["ips"]![i]!["address"]!;

    [Fact]
    public void Reference_allocates_ours_releases_and_the_reverse()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);

        var r1 = Run(Ref, "ADD", "ref-1", conf);
        var o1 = Run(Ours, "ADD", "ours-1", conf);
        Assert.True(r1.Success && o1.Success, $"{r1} {o1}");
        Assert.Equal("10.60.0.2/24", Address(r1, 0));
        Assert.Equal("10.60.0.3/24", Address(o1, 0)); // continues the reference's round robin

        // Ours sees the reference's reservation (the duplicate check), though it did not write it.
        var dup = Run(Ours, "ADD", "ref-1", conf);
        Assert.False(dup.Success);
        Assert.Contains("duplicate allocation is not allowed", dup.ErrorMessage);

        Assert.True(Run(Ours, "DEL", "ref-1", conf).Success);
        Assert.True(Run(Ref, "DEL", "ours-1", conf).Success);
        Assert.Empty(store.Reservations());

        var r2 = Run(Ref, "ADD", "ref-2", conf);
        Assert.Equal("10.60.0.4/24", Address(r2, 0));
        var o2 = Run(Ours, "ADD", "ours-2", conf);
        Assert.Equal("10.60.0.5/24", Address(o2, 0));
        Assert.True(Run(Ref, "DEL", "ours-2", conf).Success);
        Assert.True(Run(Ours, "DEL", "ref-2", conf).Success);
        Assert.Empty(store.Reservations());
    }

    [Fact]
    public void Legacy_files_holding_only_the_container_id_are_released()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Directory.CreateDirectory(store.NetDir);
        File.WriteAllText(Path.Combine(store.NetDir, "10.60.0.7"), "old-ctr");
        File.WriteAllText(Path.Combine(store.NetDir, "10.60.0.8"), "other\r\neth0");

        var dup = Run(Ours, "ADD", "old-ctr", conf);
        Assert.False(dup.Success); // the legacy reservation counts as held by old-ctr
        Assert.True(Run(Ours, "CHECK", "old-ctr", store.Conf("1.0.0", Ipam)).Success);
        Assert.True(Run(Ours, "DEL", "old-ctr", conf).Success);
        Assert.Equal(["10.60.0.8"], store.Reservations().Keys);
    }

    [Fact]
    public void Reference_changes_made_between_our_runs_are_seen()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "a", conf).Success);
        for (int i = 0; i < 5; i++)
        {
            // Each reference run changes the directory right after ours; the index must notice every time.
            Assert.True(Run(Ref, "ADD", $"r{i}", conf).Success);
            var dup = Run(Ours, "ADD", $"r{i}", conf);
            Assert.False(dup.Success, dup.ToString());
            Assert.True(Run(Ours, "DEL", $"r{i}", conf).Success);
            Assert.DoesNotContain(store.Reservations().Values, v => v.StartsWith($"r{i}\r", StringComparison.Ordinal));
        }
    }
}
