using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>DEL in every state of decay, ADD that fails half-way, and bad input: nothing may be left behind.</summary>
public sealed class BridgeFaultTests
{
    private static string Conf(BridgeLab lab, string extra = "") => lab.Conf("1.0.0", "\"isGateway\":true" + extra);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Del_twice_releases_everything_with_and_without_prevResult(bool withPrev)
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = Conf(lab);
        var add = lab.Add(a, conf);
        Assert.True(add.Success, add.ToString());
        Assert.Single(BridgeLab.Links(a));
        Assert.Single(lab.ReservedIps());
        string delConf = withPrev ? BridgeLab.WithPrev(conf, add.Stdout) : conf;
        var call = CniCall.Add("c1", a.Path).As("DEL");
        for (int i = 0; i < 2; i++)
        {
            var del = lab.Run(call, delConf);
            Assert.True(del.Success, del.ToString());
            Assert.Equal("", del.Stdout);
        }

        Assert.Empty(lab.ReservedIps());
        Assert.Empty(BridgeLab.Links(a));
        Assert.DoesNotContain(BridgeLab.Links(lab.Host), n => n.StartsWith("veth", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Del_after_the_namespace_was_deleted_releases_the_address(bool ours)
    {
        using var lab = new BridgeLab(ours);
        var a = lab.NewContainer();
        string conf = Conf(lab);
        var add = lab.Add(a, conf);
        Assert.True(add.Success, add.ToString());
        Assert.Single(lab.ReservedIps());
        a.Dispose();
        var del = lab.Run(CniCall.Add("c1", a.Path).As("DEL"), BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(del.Success, del.ToString());
        // The host end of the veth goes with the namespace, which the kernel reaps asynchronously.
        Assert.Empty(lab.ReservedIps());
    }

    [Fact]
    public void Del_after_the_veth_was_deleted_succeeds()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = Conf(lab);
        var add = lab.Add(a, conf);
        Assert.True(add.Success, add.ToString());
        Assert.Single(lab.ReservedIps());
        a.Ip("link", "del", "eth0").EnsureSuccess("del veth");
        var del = lab.Run(CniCall.Add("c1", a.Path).As("DEL"), BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(del.Success, del.ToString());
        Assert.Empty(lab.ReservedIps());
    }

    [Fact]
    public void Del_with_empty_netns_releases_the_address()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = Conf(lab);
        var add = lab.Add(a, conf);
        Assert.True(add.Success, add.ToString());
        Assert.Single(lab.ReservedIps());
        var del = lab.Run(new CniCall("DEL") { ContainerId = "c1", Netns = "", IfName = "eth0" }, conf);
        Assert.True(del.Success, del.ToString());
        Assert.Empty(lab.ReservedIps());
    }

    [Fact]
    public void Add_failing_after_ipam_leaves_nothing_behind()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        // A route whose gateway is unreachable from the container fails inside the namespace, after IPAM ADD.
        string conf = lab.Conf("1.0.0", "\"isGateway\":true", ipamExtra: ",\"routes\":[{\"dst\":\"10.200.0.0/16\",\"gw\":\"192.0.2.1\"}]");
        var add = lab.Add(a, conf);
        Assert.False(add.Success, add.ToString());
        Assert.Empty(lab.ReservedIps());
        Assert.Empty(BridgeLab.Links(a));
        Assert.DoesNotContain(BridgeLab.Links(lab.Host), n => n.StartsWith("veth", StringComparison.Ordinal));
    }

    [Fact]
    public void Add_with_an_ipam_error_leaves_nothing_behind()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        var add = lab.Add(a, lab.Conf("1.0.0", ranges: """[[{"subnet":"10.88.0.0/33"}]]"""));
        Assert.False(add.Success);
        Assert.Empty(BridgeLab.Links(a));
        Assert.DoesNotContain(BridgeLab.Links(lab.Host), n => n.StartsWith("veth", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "unknown masquerade backend", "\"ipMasq\":true,\"ipMasqBackend\":\"pf\"" },
        { "bridge name too long", "\"bridge\":\"abcdefghijklmnopq\"" },
        { "vlan out of range", "\"vlan\":5000" },
        { "vlan and trunk together", "\"vlan\":3,\"vlanTrunk\":[{\"id\":4}]" },
        { "hairpin with promisc", "\"hairpinMode\":true,\"promiscMode\":true" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_config_is_refused_with_code_7_and_nothing_made(string what, string extra)
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = lab.Conf("1.0.0", extra).Replace("\"bridge\":\"cnitbr0\",\"bridge\"", "\"bridge\"");
        var add = lab.Add(a, conf);
        Assert.Equal(7, add.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(add.ErrorMessage), what);
        Assert.Empty(BridgeLab.Links(a));
        Assert.Empty(BridgeLab.Links(lab.Host));
        Assert.Empty(lab.ReservedIps());
    }

    [Fact]
    public void A_bridge_name_taken_by_another_kind_of_link_is_refused()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        lab.Host.Ip("link", "add", "cnitbr0", "type", "veth", "peer", "name", "cnitpeer0").EnsureSuccess("veth");
        var add = lab.Add(a, Conf(lab));
        Assert.Equal(7, add.ErrorCode);
        Assert.Contains("already exists but is not a bridge", add.ErrorMessage);
        Assert.Empty(BridgeLab.Links(a));
        Assert.Empty(lab.ReservedIps());
        Assert.Equal(["cnitbr0", "cnitpeer0"], BridgeLab.Links(lab.Host).Order());
    }
}
