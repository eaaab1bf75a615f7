using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Macvlan;

/// <summary>macvlan, ours against the reference side by side: result JSON and kernel state for every config key.</summary>
public sealed class MacvlanTests
{
    internal static readonly string Ours = Paths.Ours("macvlan");
    internal static readonly string Ref = Paths.Reference("macvlan");

    public static TheoryData<string> ReferenceVersions => new() { "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0" };

    /// <summary>Versions whose result can hold an interface list (0.1.0/0.2.0 cannot, so L2-only ADD fails there).</summary>
    public static TheoryData<string> InterfaceVersions => new() { "0.3.0", "0.3.1", "0.4.0", "1.0.0" };

    /// <summary>Config variants both plugins must treat alike; the MAC is compared only where it is fixed.</summary>
    public static TheoryData<string, bool> Variants => new()
    {
        { "", false },
        { "\"mode\":\"bridge\"", false },
        { "\"mode\":\"private\"", false },
        { "\"mode\":\"vepa\"", false },
        { "\"mode\":\"passthru\"", false },
        { "\"mtu\":1400", false },
        { "\"mac\":\"c2:11:22:33:44:55\"", true },
        { "\"dns\":{\"nameservers\":[\"10.77.0.53\"],\"search\":[\"example.org\"]}", false },
    };

    /// <summary>Runs ADD of the same config with ours and the reference, each in a lab of its own.</summary>
    private static (CniOutcome Ours, CniOutcome Theirs, string OurState, string TheirState) AddBoth(
        string version, string extra, bool ipam = true, bool withMac = false, string? cniArgs = null)
    {
        using var ourLab = new MacvlanLab();
        using var refLab = new MacvlanLab();
        var ourCtr = ourLab.NewContainer();
        var refCtr = refLab.NewContainer();
        var a = ourLab.Run(Ours, CniCall.Add("c1", ourCtr.Path) with { Args = cniArgs }, ourLab.Conf(version, extra, ipam));
        var b = refLab.Run(Ref, CniCall.Add("c1", refCtr.Path) with { Args = cniArgs }, refLab.Conf(version, extra, ipam));
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        string norm(CniOutcome o, TestNetns ns) =>
            ResultNormalizer.Normalize(o.Stdout.Replace(ns.Path, "<netns>"), version, withMac ? [] : ["mac"]);
        Assert.Equal(norm(b, refCtr), norm(a, ourCtr));
        return (a, b, MacvlanLab.KernelState(ourCtr, "eth0", withMac), MacvlanLab.KernelState(refCtr, "eth0", withMac));
    }

    [Theory]
    [MemberData(nameof(ReferenceVersions))]
    public void Add_with_ipam_matches_reference(string version)
    {
        var (a, _, ours, theirs) = AddBoth(version, "");
        Assert.Equal(theirs, ours);
        Assert.Contains("kind=macvlan mode=bridge mtu=1500 up=True", ours);
        Assert.Contains("addrs: 10.77.0.10/24", ours);
        Assert.Contains("arp_notify=1", ours);
        if (!version.StartsWith("0.1", StringComparison.Ordinal) && !version.StartsWith("0.2", StringComparison.Ordinal))
        {
            Assert.Equal("eth0", (string?)a.Json!["interfaces"]![0]!["name"]);
        }
    }

    [Fact]
    public void Add_dual_stack_matches_reference()
    {
        const string ranges = ""","ranges":[[{"subnet":"10.77.0.0/24","rangeStart":"10.77.0.10"}],[{"subnet":"fd77::/64","rangeStart":"fd77::10","gateway":"fd77::1"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"}]""";
        using var ourLab = new MacvlanLab();
        using var refLab = new MacvlanLab();
        var ourCtr = ourLab.NewContainer();
        var refCtr = refLab.NewContainer();
        string Conf(MacvlanLab lab) => $$$"""{"cniVersion":"1.0.0","name":"mvnet","type":"macvlan","master":"eth0","ipam":{"type":"host-local","dataDir":"{{{lab.DataDir}}}","indexDir":"{{{lab.DataDir}}}/.index"{{{ranges}}}}}""";
        var a = ourLab.Run(Ours, CniCall.Add("c1", ourCtr.Path), Conf(ourLab));
        var b = refLab.Run(Ref, CniCall.Add("c1", refCtr.Path), Conf(refLab));
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        Assert.Equal(
            ResultNormalizer.Normalize(b.Stdout.Replace(refCtr.Path, "<netns>"), "1.0.0", "mac"),
            ResultNormalizer.Normalize(a.Stdout.Replace(ourCtr.Path, "<netns>"), "1.0.0", "mac"));
        string state = MacvlanLab.KernelState(ourCtr, "eth0");
        Assert.Equal(MacvlanLab.KernelState(refCtr, "eth0"), state);
        Assert.Contains("fd77::10/64", state);
        Assert.Equal("1", ourCtr.Sysctl("net.ipv6.conf.eth0.ndisc_notify"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Config_keys_match_reference(string extra, bool withMac)
    {
        var (_, _, ours, theirs) = AddBoth("1.0.0", extra, withMac: withMac);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Mac_from_CNI_ARGS_matches_reference()
    {
        var (a, _, ours, theirs) = AddBoth("1.0.0", "", withMac: true, cniArgs: "IgnoreUnknown=1;MAC=c2:11:22:33:44:77");
        Assert.Equal(theirs, ours);
        Assert.Equal("c2:11:22:33:44:77", (string?)a.Json!["interfaces"]![0]!["mac"]);
    }

    [Fact]
    public void RuntimeConfig_mac_wins_over_CNI_ARGS_and_config()
    {
        var (a, _, ours, theirs) = AddBoth("1.0.0", "\"mac\":\"c2:11:22:33:44:55\",\"runtimeConfig\":{\"mac\":\"c2:11:22:33:44:66\"}",
            withMac: true, cniArgs: "IgnoreUnknown=1;MAC=c2:11:22:33:44:77");
        Assert.Equal(theirs, ours);
        Assert.Equal("c2:11:22:33:44:66", (string?)a.Json!["interfaces"]![0]!["mac"]);
    }

    [Theory]
    [MemberData(nameof(InterfaceVersions))]
    public void Add_without_ipam_is_L2_only_like_reference(string version)
    {
        var (a, _, ours, theirs) = AddBoth(version, "", ipam: false);
        Assert.Equal(theirs, ours);
        Assert.Contains("up=True", ours);
        Assert.Contains("addrs: \n", ours);
        Assert.Null(a.Json!["ips"]);
    }

    [Fact]
    public void Default_master_is_the_interface_of_the_default_route()
    {
        using var ourLab = new MacvlanLab(defaultRoute: true);
        using var refLab = new MacvlanLab(defaultRoute: true);
        var ourCtr = ourLab.NewContainer();
        var refCtr = refLab.NewContainer();
        string Conf(MacvlanLab lab) => lab.Conf("1.0.0").Replace($"\"master\":\"{MacvlanLab.Master}\",", "");
        var a = ourLab.Run(Ours, CniCall.Add("c1", ourCtr.Path), Conf(ourLab));
        var b = refLab.Run(Ref, CniCall.Add("c1", refCtr.Path), Conf(refLab));
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        Assert.Equal(MacvlanLab.KernelState(refCtr, "eth0"), MacvlanLab.KernelState(ourCtr, "eth0"));
        Assert.True(ourCtr.Ping(MacvlanLab.PhysIp));
    }

    [Fact]
    public void Bcqueuelen_is_set_on_the_link()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        var a = lab.Run(Ours, CniCall.Add("c1", ctr.Path), lab.Conf("1.0.0", "\"bcqueuelen\":2000"));
        Assert.True(a.Success, a.ToString());
        var link = JsonNode.Parse(ctr.Ip("-j", "-d", "link", "show", "eth0").Stdout)![0]!;
        Assert.Equal(2000, (int?)link["linkinfo"]!["info_data"]!["bcqueuelen"]);
    }

    [Fact]
    public void LinkInContainer_uses_a_master_inside_the_container()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        ctr.Ip("link", "add", "ens5", "type", "veth", "peer", "name", "uplink2", "netns", lab.Phys.Name).EnsureSuccess("veth");
        ctr.Ip("link", "set", "ens5", "up").EnsureSuccess("ens5 up");
        lab.Phys.Ip("link", "set", "uplink2", "up").EnsureSuccess("uplink2 up");
        lab.Phys.Ip("addr", "add", "10.88.0.1/24", "dev", "uplink2").EnsureSuccess("addr");
        string conf = """{"cniVersion":"1.0.0","name":"inner","type":"macvlan","master":"ens5","linkInContainer":true,""" +
            $$$"""  "ipam":{"type":"host-local","subnet":"10.88.0.0/24","dataDir":"{{{lab.DataDir}}}","indexDir":"{{{lab.DataDir}}}/.index"}}""";
        var call = CniCall.Add("c1", ctr.Path, "net1");
        var a = lab.Run(Ours, call, conf);
        Assert.True(a.Success, a.ToString());
        Assert.Contains("kind=macvlan mode=bridge", MacvlanLab.KernelState(ctr, "net1"));
        Assert.True(ctr.Ping("10.88.0.1"));

        string check = conf.TrimEnd('}') + "},\"prevResult\":" + a.Stdout + "}";
        var c = lab.Run(Ours, call.As("CHECK"), check);
        Assert.True(c.Success, c.ToString());

        Assert.True(lab.Run(Ours, call.As("DEL"), conf).Success);
        Assert.Equal(["ens5"], MacvlanLab.Links(ctr));
    }

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void Check_passes_after_add_and_fails_on_drift_like_reference(string version)
    {
        using var lab = new MacvlanLab();
        var ours = lab.NewContainer();
        var theirs = lab.NewContainer();
        string conf = lab.Conf(version);
        string WithPrev(string c, string result) => c[..^1] + ",\"prevResult\":" + result + "}";

        var a = lab.Run(Ours, CniCall.Add("c1", ours.Path), conf);
        var b = lab.Run(Ref, CniCall.Add("c2", theirs.Path), conf);
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());

        var oc = lab.Run(Ours, CniCall.Add("c1", ours.Path).As("CHECK"), WithPrev(conf, a.Stdout));
        var rc = lab.Run(Ref, CniCall.Add("c2", theirs.Path).As("CHECK"), WithPrev(conf, b.Stdout));
        Assert.True(oc.Success, oc.ToString());
        Assert.True(rc.Success, rc.ToString());
        Assert.Equal("", oc.Stdout);

        // A different mode in the config than on the link.
        string privateConf = lab.Conf(version, "\"mode\":\"private\"");
        var om = lab.Run(Ours, CniCall.Add("c1", ours.Path).As("CHECK"), WithPrev(privateConf, a.Stdout));
        var rm = lab.Run(Ref, CniCall.Add("c2", theirs.Path).As("CHECK"), WithPrev(privateConf, b.Stdout));
        Assert.False(rm.Success);
        Assert.False(om.Success);
        Assert.Contains("container macvlan mode bridge does not match expected value: private", om.ErrorMessage);

        // The address removed behind the plugin's back.
        ours.Ip("addr", "flush", "dev", "eth0").EnsureSuccess("flush");
        theirs.Ip("addr", "flush", "dev", "eth0").EnsureSuccess("flush");
        var oa = lab.Run(Ours, CniCall.Add("c1", ours.Path).As("CHECK"), WithPrev(conf, a.Stdout));
        var ra = lab.Run(Ref, CniCall.Add("c2", theirs.Path).As("CHECK"), WithPrev(conf, b.Stdout));
        Assert.False(ra.Success);
        Assert.False(oa.Success);
        Assert.Contains("failed to match addr 10.77.0.10/24", oa.ErrorMessage);
    }

    [Fact]
    public void Check_without_prevResult_fails()
    {
        using var lab = new MacvlanLab();
        var ctr = lab.NewContainer();
        string conf = lab.Conf("1.0.0");
        Assert.True(lab.Run(Ours, CniCall.Add("c1", ctr.Path), conf).Success);
        var c = lab.Run(Ours, CniCall.Add("c1", ctr.Path).As("CHECK"), conf);
        Assert.False(c.Success);
        Assert.Equal("required prevResult missing", c.ErrorMessage);
    }
}
