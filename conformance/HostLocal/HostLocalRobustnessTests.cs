using CniPlugins.Conformance.Infrastructure;
using System.Diagnostics;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>Bad input leaves nothing behind; a killed ADD never leaves a reservation DEL cannot release.</summary>
public sealed class HostLocalRobustnessTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.90.0.0/24"}]]""";

    [Theory]
    [InlineData("FOO=bar", 4)]
    [InlineData("IP=foo", 4)]
    [InlineData("IP=10.90.0.5,bogus", 4)]
    [InlineData("IP", 4)]
    public void Bad_cni_args_are_refused_before_anything_is_written(string args, int code)
    {
        using var store = new HostLocalStore();
        var outcome = Run(Ours, "ADD", "c", store.Conf("1.0.0", Ipam), args: args);
        Assert.Equal(code, outcome.ErrorCode);
        Assert.False(Directory.Exists(store.NetDir));
    }

    [Fact]
    public void A_data_dir_climbing_out_is_refused()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam).Replace($"\"dataDir\":\"{store.DataDir}\"", $"\"dataDir\":\"{store.DataDir}/sub/../../escape\"");
        var outcome = Run(Ours, "ADD", "c", conf);
        Assert.Equal(7, outcome.ErrorCode);
        Assert.Contains("dataDir", outcome.ErrorMessage);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.DataDir));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(store.DataDir)!, "escape")));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    public void A_network_name_that_is_not_one_path_component_is_refused(string name)
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam).Replace($"\"name\":\"{Network}\"", $"\"name\":\"{name}\"");
        var outcome = Run(Ours, "ADD", "c", conf);
        Assert.Equal(7, outcome.ErrorCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.DataDir));
    }

    [Fact]
    public void Comma_list_in_IP_requests_one_address_per_family()
    {
        using var store = new HostLocalStore();
        const string dual = """ "ranges":[[{"subnet":"10.91.0.0/24"}],[{"subnet":"fd00:91::/64"}]]""";
        var outcome = Run(Ours, "ADD", "c", store.Conf("1.0.0", dual), args: "IP=10.91.0.40,fd00:91::40/64");
        Assert.True(outcome.Success, outcome.ToString());
        Assert.Equal(["10.91.0.40", "fd00:91::40"], store.Reservations().Keys);
    }

    [Fact]
    public void A_gateway_outside_the_subnet_is_refused()
    {
        using var store = new HostLocalStore();
        var outcome = Run(Ours, "ADD", "c", store.Conf("1.0.0", """ "subnet":"10.92.0.0/24","gateway":"10.93.0.1" """));
        Assert.Equal(7, outcome.ErrorCode);
        Assert.Equal("invalid range set 0: gateway 10.93.0.1 not in network 10.92.0.0/24", outcome.ErrorMessage);
    }

    [Fact]
    public void A_stale_scratch_link_never_corrupts_another_reservation()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "victim", conf).Success);

        // A run killed between link(2) and unlink(2) leaves the scratch name as a second link to a reservation.
        Link(Path.Combine(store.NetDir, "10.90.0.2"), Path.Combine(store.NetDir, ".reserve.tmp"));
        Assert.True(Run(Ours, "ADD", "next", conf).Success);
        Assert.Equal("victim\r\neth0", File.ReadAllText(Path.Combine(store.NetDir, "10.90.0.2")));
        Assert.Equal("next\r\neth0", File.ReadAllText(Path.Combine(store.NetDir, "10.90.0.3")));
    }

    [Fact]
    public void Adds_killed_at_random_points_leave_nothing_a_del_cannot_release()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        Assert.True(Run(Ours, "ADD", "bystander", conf).Success);
        var rng = new Random(42);
        for (int i = 0; i < 25; i++)
        {
            KillDuring(conf, $"killed{i}", TimeSpan.FromMicroseconds(rng.Next(500, 4000)));
            var del = Run(Ours, "DEL", $"killed{i}", conf);
            Assert.True(del.Success, del.ToString());
            Assert.DoesNotContain(store.Reservations().Values, v => v.StartsWith($"killed{i}\r", StringComparison.Ordinal));
            Assert.Equal("bystander\r\neth0", File.ReadAllText(Path.Combine(store.NetDir, "10.90.0.2")));
        }

        Assert.Equal(["10.90.0.2"], store.Reservations().Keys);
        Assert.All(store.Reservations().Values, v => Assert.Contains("\r\n", v));
    }

    private static void KillDuring(string conf, string id, TimeSpan after)
    {
        var psi = new ProcessStartInfo(Ours) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["CNI_COMMAND"] = "ADD";
        psi.Environment["CNI_CONTAINERID"] = id;
        psi.Environment["CNI_NETNS"] = NoNetns;
        psi.Environment["CNI_IFNAME"] = "eth0";
        psi.Environment["CNI_PATH"] = Path.GetDirectoryName(Ours)!;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(conf);
        p.StandardInput.Close();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < after)
        {
            Thread.SpinWait(100);
        }

        try
        {
            p.Kill();
        }
        catch (InvalidOperationException)
        {
            // already finished
        }

        p.WaitForExit();
    }

    private static void Link(string existing, string newPath) =>
        Infrastructure.Shell.Run("ln", [existing, newPath]).EnsureSuccess("ln");
}
