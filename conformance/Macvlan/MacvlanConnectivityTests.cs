using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Macvlan;

/// <summary>What macvlan is for: containers that are hosts on the master's network, with the modes' isolation.</summary>
public sealed class MacvlanConnectivityTests
{
    private static readonly string Ours = MacvlanTests.Ours;

    [Fact]
    public void Container_reaches_a_peer_on_the_physical_network()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        Assert.True(lab.Run(Ours, CniCall.Add("c1", ctr.Path), lab.Conf("1.0.0")).Success);
        Assert.True(ctr.Ping(MacvlanLab.PhysIp));
        Assert.True(lab.Phys.Ping("10.77.0.10"));
    }

    [Theory]
    [InlineData("bridge", true)]
    [InlineData("private", false)]
    public void Two_containers_on_one_master_reach_each_other_only_in_bridge_mode(string mode, bool reachable)
    {
        using var lab = new MacvlanLab();
        var c1 = lab.NewContainer();
        var c2 = lab.NewContainer();
        string conf = lab.Conf("1.0.0", $"\"mode\":\"{mode}\"");
        var a = lab.Run(Ours, CniCall.Add("c1", c1.Path), conf);
        var b = lab.Run(Ours, CniCall.Add("c2", c2.Path), conf);
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        Assert.Equal(reachable, c1.Ping("10.77.0.11"));
        Assert.Equal(reachable, c2.Ping("10.77.0.10"));

        // Either way both still reach the outside network.
        Assert.True(c1.Ping(MacvlanLab.PhysIp));
        Assert.True(c2.Ping(MacvlanLab.PhysIp));
    }
}
