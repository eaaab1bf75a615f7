using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>Parallel ADD/DEL storms on one network: never a duplicate, never a leak.</summary>
public sealed class HostLocalConcurrencyTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.70.0.0/22"}],[{"subnet":"fd00:70::/64"}]]""";

    private static CniOutcome[] Parallel(int n, Func<int, CniOutcome> call)
    {
        var threads = new Thread[n];
        var results = new CniOutcome[n];
        for (int i = 0; i < n; i++)
        {
            int k = i;
            threads[i] = new Thread(() => results[k] = call(k));
            threads[i].Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        return results;
    }

    [Fact]
    public void Parallel_adds_get_distinct_addresses_and_parallel_dels_release_all()
    {
        using var store = new HostLocalStore();
        string conf = store.Conf("1.0.0", Ipam);
        var adds = Parallel(40, i => Run(i % 4 == 0 ? Ref : Ours, "ADD", $"storm{i}", conf));
        Assert.All(adds, a => Assert.True(a.Success, a.ToString()));
        var addresses = adds.SelectMany(a => a.Json!["ips"]!.AsArray().Select(ip => (string)ip!["address"]!)).ToList();
        Assert.Equal(80, addresses.Distinct().Count());
        Assert.Equal(80, store.Reservations().Count);

        // DELs for half, ADDs for new ones, all at once.
        var mixed = Parallel(40, i => i < 20
            ? Run(i % 3 == 0 ? Ref : Ours, "DEL", $"storm{i}", conf)
            : Run(Ours, "ADD", $"fresh{i}", conf));
        Assert.All(mixed, a => Assert.True(a.Success, a.ToString()));
        var held = store.Reservations();
        Assert.Equal(80, held.Count);
        foreach (string owner in held.Values.Distinct())
        {
            Assert.Equal(2, held.Values.Count(v => v == owner)); // one address per family, no more, no less
        }

        Assert.All(Parallel(40, i => Run(Ours, "DEL", i < 20 ? $"fresh{i + 20}" : $"storm{i}", conf)), d => Assert.True(d.Success, d.ToString()));
        Assert.Empty(store.Reservations());
    }
}
