using CniPlugins.Conformance.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CniPlugins.Conformance.Reliability;

/// <summary>The data directory holds only the reference's names, whatever index the store keeps elsewhere.</summary>
public sealed class StoreNamesTests(ITestOutputHelper output)
{
    [Fact]
    public void The_data_dir_holds_only_the_reference_names_during_and_after_use()
    {
        using var lab = new ReliabilityLab();
        var v = new Variant(lab, Variant.HostLocalOnly);
        var a = v.Attach("c1");
        var during = Leaks.Store(lab.DataDir);
        Assert.True(lab.Run(v.Binary, a.Call.As("DEL"), v.Conf).Success);
        var after = Leaks.Store(lab.DataDir);
        var foreign = during.Leftovers.Concat(after.Leftovers).Distinct().ToList();
        foreach (string f in foreign)
        {
            output.WriteLine($"not a reference name: {f}");
        }

        Assert.Single(during.Reservations);
        Assert.Empty(after.Reservations);
        Assert.Empty(foreign);
    }
}
