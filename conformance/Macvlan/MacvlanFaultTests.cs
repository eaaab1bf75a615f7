using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Macvlan;

/// <summary>Bad input, half-failed ADDs and repeated or late DELs: a clear error and nothing left behind.</summary>
public sealed class MacvlanFaultTests
{
    private static readonly string Ours = MacvlanTests.Ours;
    private static readonly string Ref = MacvlanTests.Ref;

    /// <summary>Config mistakes both plugins reject before creating anything; ours says so with code 7.</summary>
    public static TheoryData<string, string, string> BadConfigs => new()
    {
        { "missing master", "\"master\":\"nosuch0\"", "failed to lookup master \"nosuch0\"" },
        { "unknown mode", "\"mode\":\"passthrough\"", "unknown macvlan mode: \"passthrough\"" },
        { "mtu above master", "\"mtu\":9000", "invalid MTU 9000, must be [0, master MTU(1500)]" },
        { "negative mtu", "\"mtu\":-1", "invalid MTU -1, must be [0, master MTU(1500)]" },
        { "malformed mac", "\"mac\":\"not-a-mac\"", "invalid args not-a-mac for MAC addr" },
    };

    private static void AssertNothingLeft(MacvlanLab lab, TestNetns ctr)
    {
        Assert.Empty(MacvlanLab.Links(ctr));
        Assert.Equal([MacvlanLab.Master], MacvlanLab.Links(lab.Host));
        Assert.Empty(lab.ReservedIps());
    }

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_config_is_rejected_and_leaves_nothing(string what, string extra, string message)
    {
        using var lab = new MacvlanLab();
        var ours = lab.NewContainer();
        var theirs = lab.NewContainer();
        var a = lab.Run(Ours, CniCall.Add("c1", ours.Path), lab.Conf("1.0.0", extra));
        var b = lab.Run(Ref, CniCall.Add("c2", theirs.Path), lab.Conf("1.0.0", extra));
        Assert.False(b.Success, what);
        Assert.False(a.Success, what);
        Assert.Equal(7, a.ErrorCode);
        Assert.Contains(message, a.ErrorMessage);
        AssertNothingLeft(lab, ours);
        AssertNothingLeft(lab, theirs);
    }

    [Fact]
    public void Missing_default_route_gives_a_clear_error()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        string conf = lab.Conf("1.0.0").Replace($"\"master\":\"{MacvlanLab.Master}\",", "");
        var a = lab.Run(Ours, CniCall.Add("c1", ctr.Path), conf);
        Assert.Equal(7, a.ErrorCode);
        Assert.Equal("no default route interface found", a.ErrorMessage);
        AssertNothingLeft(lab, ctr);
    }

    [Fact]
    public void Master_missing_in_container_with_linkInContainer_is_an_error()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        var a = lab.Run(Ours, CniCall.Add("c1", ctr.Path), lab.Conf("1.0.0", "\"linkInContainer\":true"));
        Assert.Equal(7, a.ErrorCode);
        Assert.Contains($"failed to lookup master \"{MacvlanLab.Master}\"", a.ErrorMessage);
        AssertNothingLeft(lab, ctr);
    }

    [Theory]
    [InlineData("0.1.0")]
    [InlineData("0.2.0")]
    public void L2_only_with_a_version_whose_result_needs_an_address_fails_before_creating_anything(string version)
    {
        using var lab = new MacvlanLab();
        var ours = lab.NewContainer();
        var theirs = lab.NewContainer();
        var a = lab.Run(Ours, CniCall.Add("c1", ours.Path), lab.Conf(version, ipam: false));
        var b = lab.Run(Ref, CniCall.Add("c2", theirs.Path), lab.Conf(version, ipam: false));
        Assert.False(b.Success);
        Assert.Equal(b.ErrorMessage, a.ErrorMessage);
        Assert.Empty(MacvlanLab.Links(ours));
    }

    [Fact]
    public void Bad_CNI_ARGS_mac_is_rejected()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        var a = lab.Run(Ours, CniCall.Add("c1", ctr.Path) with { Args = "MAC=zz:11:22:33:44:55" }, lab.Conf("1.0.0"));
        Assert.False(a.Success);
        Assert.Contains("invalid args zz:11:22:33:44:55 for MAC addr", a.ErrorMessage);
        AssertNothingLeft(lab, ctr);
    }

    /// <summary>IPAM hands out an address, then configuring the route fails: address released, link gone.</summary>
    [Fact]
    public void Failure_after_ipam_add_releases_the_address_and_removes_the_link()
    {
        using var lab = new MacvlanLab();
        var ours = lab.NewContainer();
        var theirs = lab.NewContainer();
        string conf = lab.Conf("1.0.0", ipamExtra: ""","routes":[{"dst":"10.99.0.0/16","gw":"192.0.2.1"}]""");
        var a = lab.Run(Ours, CniCall.Add("c1", ours.Path), conf);
        var b = lab.Run(Ref, CniCall.Add("c2", theirs.Path), conf);
        Assert.False(b.Success);
        Assert.False(a.Success);
        Assert.Contains("failed to add route 10.99.0.0/16 via 192.0.2.1", a.ErrorMessage);
        AssertNothingLeft(lab, ours);

        // The reference releases the address too, but leaks the link: its deferred cleanup tests an outer `err`
        // that the IPAM branch shadows.
        Assert.Empty(lab.ReservedIps());
        Assert.Equal(["eth0"], MacvlanLab.Links(theirs));
    }

    [Fact]
    public void Ipam_error_removes_the_link()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        string conf = lab.Conf("1.0.0").Replace("\"type\":\"host-local\"", "\"type\":\"no-such-ipam\"");
        var a = lab.Run(Ours, CniCall.Add("c1", ctr.Path), conf);
        Assert.False(a.Success);
        Assert.Contains("no-such-ipam", a.ErrorMessage);
        AssertNothingLeft(lab, ctr);
    }

    [Fact]
    public void Existing_interface_name_is_an_error_and_the_temporary_link_goes()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        ctr.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p").EnsureSuccess("veth");
        var a = lab.Run(Ours, CniCall.Add("c1", ctr.Path), lab.Conf("1.0.0"));
        Assert.False(a.Success);
        Assert.Contains("failed to rename macvlan to \"eth0\"", a.ErrorMessage);
        Assert.Equal(["eth0", "eth0p"], MacvlanLab.Links(ctr).Order());
        Assert.Empty(lab.ReservedIps());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Del_twice_succeeds_and_cleans_everything(bool reference)
    {
        string plugin = reference ? Ref : Ours;
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        var call = CniCall.Add("c1", ctr.Path);
        string conf = lab.Conf("1.0.0");
        Assert.True(lab.Run(plugin, call, conf).Success);
        Assert.Single(lab.ReservedIps());

        var d1 = lab.Run(plugin, call.As("DEL"), conf);
        Assert.True(d1.Success, d1.ToString());
        Assert.Equal("", d1.Stdout);
        AssertNothingLeft(lab, ctr);

        var d2 = lab.Run(plugin, call.As("DEL"), conf);
        Assert.True(d2.Success, d2.ToString());
        AssertNothingLeft(lab, ctr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Del_after_the_namespace_is_gone_still_releases_the_address(bool reference)
    {
        string plugin = reference ? Ref : Ours;
        using var lab = new MacvlanLab();
        var ctr = new TestNetns("ctr");
        string path = ctr.Path;
        string conf = lab.Conf("1.0.0");
        Assert.True(lab.Run(plugin, CniCall.Add("c1", path), conf).Success);
        ctr.Dispose();

        var d = lab.Run(plugin, CniCall.Add("c1", path).As("DEL"), conf);
        Assert.True(d.Success, d.ToString());
        Assert.Empty(lab.ReservedIps());

        var empty = lab.Run(plugin, CniCall.Add("c1", path).As("DEL") with { Netns = "" }, conf);
        Assert.True(empty.Success, empty.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Del_without_netns_releases_the_address(bool reference)
    {
        string plugin = reference ? Ref : Ours;
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        string conf = lab.Conf("1.0.0");
        Assert.True(lab.Run(plugin, CniCall.Add("c1", ctr.Path), conf).Success);
        var d = lab.Run(plugin, CniCall.Add("c1", ctr.Path).As("DEL") with { Netns = "" }, conf);
        Assert.True(d.Success, d.ToString());
        Assert.Empty(lab.ReservedIps());
    }

    /// <summary>
    /// DEL does not need the master. The reference 1.1.1 looks the master up on DEL and fails once it is gone (newer
    /// upstream releases no longer do), leaving the address reserved.
    /// </summary>
    [Fact]
    public void Del_with_a_master_that_is_gone_still_cleans_up()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        var refCtr = lab.NewContainer();
        string conf = lab.Conf("1.0.0");
        Assert.True(lab.Run(Ours, CniCall.Add("c1", ctr.Path), conf).Success);
        Assert.True(lab.Run(Ref, CniCall.Add("c2", refCtr.Path), conf).Success);
        lab.Host.Ip("link", "del", MacvlanLab.Master).EnsureSuccess("del master");

        var d = lab.Run(Ours, CniCall.Add("c1", ctr.Path).As("DEL"), conf);
        Assert.True(d.Success, d.ToString());
        Assert.Empty(MacvlanLab.Links(ctr));
        var r = lab.Run(Ref, CniCall.Add("c2", refCtr.Path).As("DEL"), conf);
        Assert.False(r.Success);
        Assert.Equal(["10.77.0.11"], lab.ReservedIps());
    }
}
