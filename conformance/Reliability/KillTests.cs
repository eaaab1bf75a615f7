using CniPlugins.Conformance.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// SIGKILL at random points of ADD and DEL (host-local alone; bridge with each masquerade backend, isolation and
/// macspoofchk on), each followed by the DEL a runtime sends after a failure. After every round the lab must be
/// exactly as before it (only a bystander attachment left, untouched); at the end, with the bystander gone too,
/// nothing at all. The kill delays and whether the plugin's children die with it come from the printed seed.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    public static TheoryData<string> Variants => new(Variant.All);

    private static int Rounds(Variant v) => ReliabilitySettings.Scale(v.IsBridge ? 12 : 25);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Add_killed_at_a_random_point_then_del_leaves_nothing(string variant)
    {
        using var lab = new ReliabilityLab();
        var v = new Variant(lab, variant);
        var fig = new Figures(output, $"kill-add/{variant}");
        var rng = ReliabilitySettings.Rng($"kill-add/{variant}");
        var bystander = v.Attach("bystander");
        var baseline = v.Take();
        var problems = new List<string>();
        double window = bystander.Took.TotalMicroseconds * 1.2;
        fig.Note($"kill window 0..{window / 1000:F1} ms (one full ADD took {bystander.Took.TotalMilliseconds:F1} ms)");

        for (int i = 0; i < Rounds(v); i++)
        {
            var (ns, path) = v.NewSandbox();
            var call = CniCall.Add($"kill{i}", path);
            var delay = TimeSpan.FromMicroseconds(rng.NextDouble() * window);
            bool tree = rng.Next(2) == 0;
            bool killed = lab.RunKilled(v.Binary, call, v.Conf, delay, tree);
            fig.Add(killed ? "ADDs killed" : "ADDs done before the kill");
            fig.Add(tree ? "kills of the whole tree" : "kills of the plugin alone");
            try
            {
                // The runtime never saw a result: DEL without prevResult.
                fig.Add("DEL retries", lab.RuntimeDel(v.Binary, call, v.Conf));
                fig.Add("DELs");
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"round {i} (delay {delay.TotalMilliseconds:F2} ms, tree {tree}): {e.Message}");
            }

            problems.AddRange(v.Differences(baseline, ns, $"round {i} (delay {delay.TotalMilliseconds:F2} ms, tree {tree}, killed {killed})"));
            v.Drop(ns);
        }

        fig.Add("DEL retries", lab.RuntimeDel(v.Binary, bystander.Call, ReliabilityLab.WithPrev(v.Conf, bystander.Result)));
        problems.AddRange(Leaks.Final(lab, v.IsBridge));
        fig.Print(problems);
        Assert.Empty(problems);
        Assert.True(fig["ADDs killed"] > 0, "no kill landed inside an ADD: the kill window is wrong");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Del_killed_at_a_random_point_then_del_again_leaves_nothing(string variant)
    {
        using var lab = new ReliabilityLab();
        var v = new Variant(lab, variant);
        var fig = new Figures(output, $"kill-del/{variant}");
        var rng = ReliabilitySettings.Rng($"kill-del/{variant}");
        var bystander = v.Attach("bystander");
        var baseline = v.Take();
        var problems = new List<string>();
        double window = 0;

        for (int i = 0; i < Rounds(v); i++)
        {
            var a = v.Attach($"kill{i}");
            fig.Add("ADDs");
            if (a.Address == bystander.Address)
            {
                problems.Add($"round {i}: duplicate address {a.Address} handed out (bystander holds it)");
                fig.Add("duplicate addresses");
            }

            string conf = ReliabilityLab.WithPrev(v.Conf, a.Result);
            if (window == 0)
            {
                // The first DEL runs to its end and sets the window for the others.
                var sw = System.Diagnostics.Stopwatch.StartNew();
                fig.Add("DEL retries", lab.RuntimeDel(v.Binary, a.Call, conf));
                window = sw.Elapsed.TotalMicroseconds * 1.2;
                fig.Note($"kill window 0..{window / 1000:F1} ms (one full DEL)");
                v.Drop(a.Ns);
                continue;
            }

            var delay = TimeSpan.FromMicroseconds(rng.NextDouble() * window);
            bool tree = rng.Next(2) == 0;
            bool killed = lab.RunKilled(v.Binary, a.Call.As("DEL"), conf, delay, tree);
            fig.Add(killed ? "DELs killed" : "DELs done before the kill");
            fig.Add(tree ? "kills of the whole tree" : "kills of the plugin alone");
            try
            {
                // The runtime still has the ADD result: the retried DEL carries prevResult.
                fig.Add("DEL retries", lab.RuntimeDel(v.Binary, a.Call, conf));
                fig.Add("DELs");
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"round {i} (delay {delay.TotalMilliseconds:F2} ms, tree {tree}): {e.Message}");
            }

            problems.AddRange(v.Differences(baseline, a.Ns, $"round {i} (delay {delay.TotalMilliseconds:F2} ms, tree {tree}, killed {killed})"));
            v.Drop(a.Ns);
        }

        fig.Add("DEL retries", lab.RuntimeDel(v.Binary, bystander.Call, ReliabilityLab.WithPrev(v.Conf, bystander.Result)));
        problems.AddRange(Leaks.Final(lab, v.IsBridge));
        fig.Print(problems);
        Assert.Empty(problems);
        Assert.True(fig["DELs killed"] > 0, "no kill landed inside a DEL: the kill window is wrong");
    }
}
