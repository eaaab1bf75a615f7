using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>GC and STATUS (spec 1.1.0), which the reference does not implement: ours only.</summary>
public sealed class HostLocalGcStatusTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.80.0.0/24"}]]""";

    private static CniOutcome Verb(string command, string conf) =>
        Plugin.Exec(Ours, new Infrastructure.CniCall(command), conf);

    [Theory]
    [InlineData("cni.dev/valid-attachments")]
    [InlineData("cni.dev/attachments")]
    public void Gc_releases_what_is_not_valid_and_keeps_the_rest(string key)
    {
        using var store = new HostLocalStore();
        string add = store.Conf("1.0.0", Ipam);
        foreach (string id in new[] { "keep", "drop", "keep2" })
        {
            Assert.True(Run(Ours, "ADD", id, add).Success);
        }

        Assert.True(Run(Ref, "ADD", "keep", add, "eth1").Success); // second interface, written by the reference
        File.WriteAllText(Path.Combine(store.NetDir, "10.80.0.50"), "keep2"); // legacy: container ID only
        File.WriteAllText(Path.Combine(store.NetDir, "10.80.0.51"), "gone");
        File.WriteAllText(Path.Combine(store.NetDir, ".reserve.tmp"), "drop\r\neth0"); // a killed run's scratch
        string cursor = File.ReadAllText(Path.Combine(store.NetDir, "last_reserved_ip.0"));

        string gc = store.Conf("1.1.0", Ipam, $$""","{{key}}":[{"containerID":"keep","ifname":"eth0"},{"containerID":"keep2","ifname":"eth0"}]""");
        var outcome = Verb("GC", gc);
        Assert.True(outcome.Success, outcome.ToString());

        var left = store.Reservations();
        Assert.Equal(["10.80.0.2", "10.80.0.4", "10.80.0.50"], left.Keys);
        Assert.Equal("keep\r\neth0", left["10.80.0.2"]);
        Assert.True(File.Exists(Path.Combine(store.NetDir, "lock")));
        Assert.Equal(cursor, File.ReadAllText(Path.Combine(store.NetDir, "last_reserved_ip.0")));
        Assert.False(File.Exists(Path.Combine(store.NetDir, ".reserve.tmp")));

        // The store stays fully usable by both afterwards.
        Assert.True(Run(Ours, "DEL", "keep", add).Success);
        Assert.True(Run(Ref, "DEL", "keep2", add).Success);
        Assert.Equal(["10.80.0.50"], store.Reservations().Keys.ToArray()[..0].Concat(store.Reservations().Keys).ToArray());
    }

    [Fact]
    public void Gc_with_an_empty_valid_list_releases_everything()
    {
        using var store = new HostLocalStore();
        Assert.True(Run(Ours, "ADD", "x", store.Conf("1.0.0", Ipam)).Success);
        Assert.True(Verb("GC", store.Conf("1.1.0", Ipam, ""","cni.dev/valid-attachments":[]""")).Success);
        Assert.Empty(store.Reservations());
        Assert.True(Run(Ours, "ADD", "y", store.Conf("1.0.0", Ipam)).Success);
    }

    [Fact]
    public void Status_is_ready_until_a_range_set_is_full()
    {
        using var store = new HostLocalStore();
        const string tiny = """ "ranges":[[{"subnet":"10.81.0.0/24"}],[{"subnet":"10.82.0.0/29","rangeStart":"10.82.0.5"}]]""";
        string status = store.Conf("1.1.0", tiny);
        Assert.True(Verb("STATUS", status).Success, Verb("STATUS", status).ToString());
        Assert.True(Run(Ours, "ADD", "a", store.Conf("1.0.0", tiny)).Success); // 10.82.0.5
        Assert.True(Verb("STATUS", status).Success);
        Assert.True(Run(Ours, "ADD", "b", store.Conf("1.0.0", tiny)).Success); // 10.82.0.6, the last one
        var full = Verb("STATUS", status);
        Assert.False(full.Success);
        Assert.Equal(50, full.ErrorCode);
        Assert.Contains("range set 1", full.ErrorMessage);
        Assert.True(Run(Ours, "DEL", "a", store.Conf("1.0.0", tiny)).Success);
        Assert.True(Verb("STATUS", status).Success);
    }

    [Fact]
    public void Status_reports_a_store_that_cannot_be_written()
    {
        using var store = new HostLocalStore();
        string blocker = Path.Combine(store.DataDir, "file");
        File.WriteAllText(blocker, "not a directory");
        string conf = store.Conf("1.1.0", Ipam).Replace($"\"dataDir\":\"{store.DataDir}\"", $"\"dataDir\":\"{blocker}\"");
        var outcome = Verb("STATUS", conf);
        Assert.False(outcome.Success);
        Assert.Equal(50, outcome.ErrorCode);
        Assert.Contains("not writable", outcome.ErrorMessage);
    }
}
