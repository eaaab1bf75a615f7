using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// Parallel ADD/DEL storms on one store and one bridge: no address is ever handed to two live attachments, every
/// attachment's state is complete while it lives, and when the storm is over nothing is left.
/// </summary>
public sealed class StormTests(ITestOutputHelper output)
{
    private const int Workers = 4;

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void Parallel_adds_and_dels_on_one_bridge(string backend)
    {
        using var lab = new ReliabilityLab();
        var v = new Variant(lab, backend);
        var fig = new Figures(output, $"storm/bridge/{backend}");
        var problems = new ConcurrentQueue<string>();
        int n = ReliabilitySettings.Scale(12);
        var live = new ConcurrentDictionary<string, Variant.Attachment>();

        void Add(string id)
        {
            try
            {
                var a = v.Attach(id);
                fig.Add("ADDs");
                live[id] = a;
            }
            catch (InvalidOperationException e)
            {
                problems.Enqueue(e.Message);
            }
        }

        void Del(Variant.Attachment a)
        {
            live.TryRemove(a.Id, out _);
            var del = lab.Run(v.Binary, a.Call.As("DEL"), ReliabilityLab.WithPrev(v.Conf, a.Result));
            fig.Add("DELs");
            if (!del.Success)
            {
                problems.Enqueue($"DEL {a.Id}: {del}");
            }
        }

        // Wave 1: n ADDs at once.
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i => Add($"w1c{i}"));
        CheckLive(lab, live.Values, problems, fig, "after wave 1");

        // Wave 2: half of them go while as many new ones come.
        var leaving = live.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Take(n / 2).ToList();
        Parallel.For(0, leaving.Count * 2, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i =>
        {
            if (i % 2 == 0)
            {
                Del(leaving[i / 2]);
            }
            else
            {
                Add($"w2c{i / 2}");
            }
        });
        CheckLive(lab, live.Values, problems, fig, "after wave 2");

        // Wave 3: everything goes at once.
        Parallel.ForEach(live.Values.ToList(), new ParallelOptions { MaxDegreeOfParallelism = Workers }, Del);

        var all = problems.ToList();
        all.AddRange(Leaks.Final(lab, withBridge: true));
        fig.Print(all);
        Assert.Empty(all);
    }

    /// <summary>Every live attachment has its own address, its reservation, its container interface and its host veth.</summary>
    private static void CheckLive(ReliabilityLab lab, ICollection<Variant.Attachment> live, ConcurrentQueue<string> problems, Figures fig, string when)
    {
        foreach (var dup in live.GroupBy(a => a.Address).Where(g => g.Count() > 1))
        {
            fig.Add("duplicate addresses");
            problems.Enqueue($"{when}: {dup.Key} handed to {string.Join(", ", dup.Select(a => a.Id))}");
        }

        var reservations = Leaks.Store(lab.DataDir).Reservations;
        var expected = live.ToDictionary(a => $"{ReliabilityLab.NetName}/{a.Address}", a => $"{a.Id} eth0");
        if (!reservations.OrderBy(kv => kv.Key).SequenceEqual(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
        {
            problems.Enqueue($"{when}: store holds [{string.Join(", ", reservations)}], live are [{string.Join(", ", expected)}]");
        }

        foreach (var a in live)
        {
            if (!BridgeLab.Addresses(a.Ns!, "eth0").Contains($"{a.Address}/24"))
            {
                problems.Enqueue($"{when}: {a.Id} lacks {a.Address} on eth0");
            }
        }

        int veths = Leaks.HostLinks(lab.Host, lab.BridgeName).Count(l => l.EndsWith("(veth)", StringComparison.Ordinal));
        if (veths != live.Count)
        {
            problems.Enqueue($"{when}: {veths} host veths for {live.Count} attachments");
        }
    }

    [Fact]
    public void Parallel_adds_and_dels_on_one_small_store_never_hand_out_an_address_twice()
    {
        // A /28 has 13 addresses for 4 workers holding up to 4 each: the range runs out now and then.
        using var lab = new ReliabilityLab(subnet: "10.67.0.0/28");
        var v = new Variant(lab, Variant.HostLocalOnly);
        var fig = new Figures(output, "storm/host-local");
        var problems = new ConcurrentQueue<string>();
        var held = new ConcurrentDictionary<string, string>(); // address -> owner, from ADD's end until before its DEL
        int rounds = ReliabilitySettings.Scale(60);

        Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = Workers }, w =>
        {
            var rng = ReliabilitySettings.Rng($"storm/host-local/{w}");
            var mine = new List<(string Id, string Address)>();
            for (int r = 0; r < rounds; r++)
            {
                if (mine.Count < 4 && (mine.Count == 0 || rng.Next(2) == 0))
                {
                    string id = $"w{w}r{r}";
                    var add = lab.Run(v.Binary, CniCall.Add(id, lab.NoNetns), v.Conf);
                    fig.Add("ADDs");
                    if (!add.Success)
                    {
                        if (add.ErrorMessage?.Contains("no IP addresses available", StringComparison.Ordinal) == true)
                        {
                            fig.Add("ADDs refused, range full");
                        }
                        else
                        {
                            problems.Enqueue($"ADD {id}: {add}");
                        }

                        continue;
                    }

                    string address = ((string)JsonNode.Parse(add.Stdout)!["ips"]![0]!["address"]!).Split('/')[0];
                    if (!held.TryAdd(address, id))
                    {
                        fig.Add("duplicate addresses");
                        problems.Enqueue($"{address} handed to {id} while {held[address]} holds it");
                    }

                    mine.Add((id, address));
                }
                else
                {
                    var (id, address) = mine[rng.Next(mine.Count)];
                    mine.Remove((id, address));
                    held.TryRemove(new KeyValuePair<string, string>(address, id));
                    var del = lab.Run(v.Binary, CniCall.Add(id, lab.NoNetns).As("DEL"), v.Conf);
                    fig.Add("DELs");
                    if (!del.Success)
                    {
                        problems.Enqueue($"DEL {id}: {del}");
                    }
                }
            }

            foreach (var (id, address) in mine)
            {
                held.TryRemove(new KeyValuePair<string, string>(address, id));
                var del = lab.Run(v.Binary, CniCall.Add(id, lab.NoNetns).As("DEL"), v.Conf);
                fig.Add("DELs");
                if (!del.Success)
                {
                    problems.Enqueue($"DEL {id}: {del}");
                }
            }
        });

        var all = problems.ToList();
        all.AddRange(Leaks.Final(lab, withBridge: false));
        fig.Print(all);
        Assert.Empty(all);
        Assert.True(fig["ADDs"] > rounds, "the storm did not run");
    }
}
