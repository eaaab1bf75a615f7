using CniPlugins.Conformance.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// DEL from every partial state a crash, an operator or a reboot can leave (bridge, both masquerade backends): it
/// must succeed, leave nothing of the attachment behind, and leave the bystander attachment's state as it was
/// (unless the test destroyed that shared state itself); the bystander's DEL then leaves the lab empty.
/// </summary>
public sealed class PartialStateTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> States()
    {
        var data = new TheoryData<string, string>();
        foreach (string backend in new[] { "iptables", "nftables" })
        {
            foreach (string state in new[]
                     {
                         "netns gone", "netns gone, no prevResult", "CNI_NETNS empty", "veth gone", "bridge gone",
                         "store dir gone", "masquerade chain or table gone", "prevResult absent",
                     })
            {
                data.Add(backend, state);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(States))]
    public void Del_from_a_partial_state_releases_everything(string backend, string state)
    {
        using var lab = new ReliabilityLab();
        var v = new Variant(lab, backend);
        var fig = new Figures(output, $"partial/{backend}/{state}");
        var bystander = v.Attach("bystander");
        var baseline = v.Take();
        var a = v.Attach("victim");
        Assert.NotEqual(bystander.Address, a.Address);

        bool sharedStateBroken = false;
        bool withPrev = true;
        var call = a.Call.As("DEL");
        switch (state)
        {
            case "netns gone":
                DropNamespace(lab, a, baseline);
                break;
            case "netns gone, no prevResult":
                DropNamespace(lab, a, baseline);
                withPrev = false;
                break;
            case "CNI_NETNS empty":
                // A runtime sends an empty CNI_NETNS when it no longer has the sandbox.
                DropNamespace(lab, a, baseline);
                call = call with { Netns = "" };
                break;
            case "veth gone":
                a.Ns!.Ip("link", "del", "eth0").EnsureSuccess("delete the container veth");
                break;
            case "bridge gone":
                lab.Host.Ip("link", "del", lab.BridgeName).EnsureSuccess("delete the bridge");
                sharedStateBroken = true;
                break;
            case "store dir gone":
                Directory.Delete(lab.NetDir, recursive: true);
                sharedStateBroken = true;
                break;
            case "masquerade chain or table gone":
                RemoveMasquerade(lab, backend);
                sharedStateBroken = true;
                break;
            case "prevResult absent":
                withPrev = false;
                break;
        }

        string conf = withPrev ? ReliabilityLab.WithPrev(v.Conf, a.Result) : v.Conf;
        var problems = new List<string>();
        var del = lab.Run(v.Binary, call, conf);
        fig.Add("DELs");
        if (!del.Success)
        {
            problems.Add($"DEL failed: {del}");
        }

        var again = lab.Run(v.Binary, call, conf);
        fig.Add("DELs");
        if (!again.Success)
        {
            problems.Add($"second DEL failed: {again}");
        }

        bool nsAlive = !state.StartsWith("netns gone", StringComparison.Ordinal) && state != "CNI_NETNS empty";
        problems.AddRange(v.Differences(baseline, nsAlive ? a.Ns : null, "after the victim's DEL", allowMissing: sharedStateBroken));

        fig.Add("DEL retries", lab.RuntimeDel(v.Binary, bystander.Call, ReliabilityLab.WithPrev(v.Conf, bystander.Result)));
        problems.AddRange(Leaks.Final(lab, withBridge: true));
        fig.Print(problems);
        Assert.Empty(problems);
    }

    /// <summary>
    /// Deletes the container's namespace and waits until the kernel, which reaps its veth asynchronously, has
    /// taken the host end too: the moment a runtime would send DEL for a sandbox that is gone.
    /// </summary>
    private static void DropNamespace(ReliabilityLab lab, Variant.Attachment a, Variant.Snapshot baseline)
    {
        lab.Drop(a.Ns!);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!Leaks.HostLinks(lab.Host, lab.BridgeName).SequenceEqual(baseline.Links))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "the host end of the veth outlived its namespace by 10 s");
            Thread.Sleep(20);
        }
    }

    /// <summary>Removes every masquerade rule of the network as an operator's flush would.</summary>
    private static void RemoveMasquerade(ReliabilityLab lab, string backend)
    {
        if (backend == "nftables")
        {
            lab.Host.Exec("nft", "delete", "table", "inet", Leaks.MasqTable).EnsureSuccess("delete the masquerade table");
            return;
        }

        lab.Host.Exec("iptables", "-t", "nat", "-F", "POSTROUTING").EnsureSuccess("flush POSTROUTING");
        foreach (string line in lab.Host.Exec("iptables", "-t", "nat", "-S").EnsureSuccess("iptables -S").Stdout.Split('\n'))
        {
            if (line.StartsWith("-N CNI-", StringComparison.Ordinal))
            {
                string chain = line[3..].Trim();
                lab.Host.Exec("iptables", "-t", "nat", "-F", chain).EnsureSuccess("flush " + chain);
                lab.Host.Exec("iptables", "-t", "nat", "-X", chain).EnsureSuccess("delete " + chain);
            }
        }
    }
}
