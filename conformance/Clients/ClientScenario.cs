using System.Text.Json.Nodes;
using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// One container network's life as a runtime lives it, through the runtime's own library: VERSION probes and ADD
/// of two containers (with the labels and capability args the runtime sends), the result against the kernel's
/// state, ping both ways and to the network's peers, CHECK, DEL of the first from the cache after its namespace is
/// gone, DEL of the second (and its retry), and then nothing left.
/// </summary>
internal static class ClientScenario
{
    /// <summary>A locally administered MAC the first container asks for through the <c>mac</c> capability.</summary>
    private const string RequestedMac = "0a:58:0a:00:00:c1";

    public static void Run(Client client, ClientNetwork network, string version)
    {
        using var lab = new ClientLab(client);
        network.PrepareHost(lab);
        bool libcni = client == Client.Libcni;
        lab.WriteConflist(network.Name, network.Conflist(lab, version, capabilities: libcni));
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();

        // CRI-O and podman (libcni): a static MAC and IP as capability args for the first container.
        // containerd (go-cni): the pod's labels only, as its CRI plugin sends them.
        var r1 = lab.Add("c1", c1, libcni ? ["-args", Labels("c1"), "-mac", RequestedMac, "-ips", network.RequestedIp] : ["-args", Labels("c1")]);
        var r2 = lab.Add("c2", c2, "-args", Labels("c2"));

        ClientLab.AssertOurHostLocalRan(lab.IndexDir, network.Name);

        var a1 = CheckResult(client, version, r1, c1);
        var a2 = CheckResult(client, version, r2, c2);
        if (libcni)
        {
            Assert.Contains(network.RequestedIp, a1.Select(a => a.Split('/')[0]));
            Assert.Equal(RequestedMac, (string?)BridgeLab.Link(c1, "eth0")?["address"]);
        }

        if (network.DefaultGateway is { } gw)
        {
            Assert.Contains($"default via {gw} dev eth0", BridgeLab.Routes(c1));
        }

        foreach (string a in a2)
        {
            Assert.True(c1.Ping(Bare(a)), $"c1 cannot ping c2 at {a}");
        }

        foreach (string a in a1)
        {
            Assert.True(c2.Ping(Bare(a)), $"c2 cannot ping c1 at {a}");
        }

        foreach (string peer in network.Peers)
        {
            Assert.True(c1.Ping(peer), $"c1 cannot ping {peer}");
        }

        string[] cached = libcni
            ? [$"{network.Name}-c1-eth0", $"{network.Name}-c2-eth0"]
            : ["cni-loopback-c1-lo", "cni-loopback-c2-lo", $"{network.Name}-c1-eth0", $"{network.Name}-c2-eth0"];
        Assert.Equal(cached.Order(StringComparer.Ordinal), lab.CachedResults());

        if (libcni)
        {
            var cache = JsonNode.Parse(File.ReadAllText(Path.Combine(lab.CacheDir, "results", $"{network.Name}-c1-eth0")))!;
            Assert.Equal(RequestedMac, (string?)cache["capabilityArgs"]?["mac"]);

            // CHECK of the intact attachments, then of one whose address was taken away behind the plugin's back.
            Assert.Equal(0, lab.Run("check", "c1", c1.Path).ExitCode);
            var ok = lab.Run("check", "c2", c2.Path);
            Assert.True(ok.ExitCode == 0, ok.Stderr);
            c2.Ip("addr", "flush", "dev", "eth0", "scope", "global").EnsureSuccess("flush c2's addresses");
            Assert.NotEqual(0, lab.Run("check", "c2", c2.Path).ExitCode);
        }
        else
        {
            // go-cni's own loopback network is cniVersion 0.3.1, which has no CHECK: containerd never calls it.
            var check = lab.Run("check", "c1", c1.Path);
            Assert.NotEqual(0, check.ExitCode);
            Assert.Contains("configuration version \"0.3.1\" does not support the CHECK command", check.Stderr);
        }

        // The first sandbox's namespace is gone before its DEL. libcni: CRI-O's teardown, config, CNI_ARGS and
        // capability args from the cache, the stale path kept; containerd: an empty path once the netns is closed.
        lab.RemoveContainer(c1);
        var del1 = libcni
            ? lab.Run("del", "c1", c1.Path, "-from-cache")
            : lab.Run("del", "c1", "", "-args", Labels("c1"));
        Assert.True(del1.ExitCode == 0, del1.Stderr);
        Assert.DoesNotContain(lab.CachedResults(), c => c.Contains("-c1-", StringComparison.Ordinal));
        var held = Reliability.Leaks.Store(lab.DataDir).Reservations;
        Assert.DoesNotContain(held, r => r.Value.StartsWith("c1 ", StringComparison.Ordinal));
        Assert.Contains(held, r => r.Value.StartsWith("c2 ", StringComparison.Ordinal));

        // The second with its namespace still there, then the retry a runtime sends when it is unsure.
        var del2 = lab.Run("del", "c2", c2.Path, "-args", Labels("c2"));
        Assert.True(del2.ExitCode == 0, del2.Stderr);
        Assert.Empty(BridgeLab.Links(c2));
        var again = lab.Run("del", "c2", c2.Path, "-args", Labels("c2"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        lab.RemoveContainer(c2);

        Assert.Empty(lab.Leftovers(network.KeptHostLinks));
    }

    /// <summary>
    /// The result printed by the client against the container's state: the version asked for (go-cni converts
    /// every result to 1.0.0), the sandbox, and exactly the addresses the container's eth0 holds. Returns them.
    /// </summary>
    private static string[] CheckResult(Client client, string version, JsonNode printed, TestNetns ctr)
    {
        JsonNode result;
        if (client == Client.Libcni)
        {
            result = printed;
            Assert.Equal(version, (string?)result["cniVersion"]);
        }
        else
        {
            var raw = printed["raw"]!.AsArray();
            Assert.Equal(2, raw.Count);
            Assert.Equal("lo", (string?)raw[0]!["interfaces"]![0]!["name"]);
            Assert.Contains("UP", BridgeLab.Link(ctr, "lo")!["flags"]!.AsArray().Select(f => (string?)f));
            result = raw[1]!;
            Assert.Equal("1.0.0", (string?)result["cniVersion"]);
            var eth0 = printed["interfaces"]!["eth0"]!;
            Assert.Equal(ctr.Path, (string?)eth0["Sandbox"]);
            Assert.Equal(
                BridgeLab.Addresses(ctr, "eth0").Select(Bare).Order(StringComparer.Ordinal),
                eth0["IPConfigs"]!.AsArray().Select(c => (string)c!["IP"]!).Order(StringComparer.Ordinal));
        }

        var container = result["interfaces"]!.AsArray().Single(i => (string?)i!["sandbox"] == ctr.Path)!;
        Assert.Equal("eth0", (string?)container["name"]);
        Assert.Equal((string?)BridgeLab.Link(ctr, "eth0")!["address"], (string?)container["mac"]);
        string[] addresses = result["ips"]!.AsArray().Select(i => (string)i!["address"]!).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(addresses);
        Assert.Equal(BridgeLab.Addresses(ctr, "eth0").Order(StringComparer.Ordinal), addresses);
        return addresses;
    }

    /// <summary>The CNI_ARGS (go-cni: labels) containerd's CRI plugin sends for a pod sandbox.</summary>
    private static string Labels(string id) =>
        $"K8S_POD_NAMESPACE=default;K8S_POD_NAME=pod-{id};K8S_POD_INFRA_CONTAINER_ID={id};K8S_POD_UID=uid-{id};IgnoreUnknown=1";

    private static string Bare(string cidr) => cidr.Split('/')[0];
}
