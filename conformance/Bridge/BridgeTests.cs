using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>bridge, ours against the reference: results and kernel state side by side.</summary>
public sealed class BridgeTests
{
    public static TheoryData<string> Versions => new() { "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0" };

    private static readonly string[] s_masked = ["mac"];

    /// <summary>Runs the same ADD in two labs and returns both, after checking both succeeded.</summary>
    private static (CniOutcome Ours, CniOutcome Ref) AddBoth(BridgeLab ours, BridgeLab theirs, TestNetns a, TestNetns b, string version,
        string extra = "", string? ranges = """[[{"subnet":"10.88.0.0/24"}]]""")
    {
        var x = ours.Add(a, ours.Conf(version, extra, ranges));
        var y = theirs.Add(b, theirs.Conf(version, extra, ranges));
        Assert.True(x.Success, x.ToString());
        Assert.True(y.Success, y.ToString());
        return (x, y);
    }

    private static string Norm(CniOutcome o, TestNetns ns, string version) =>
        ResultNormalizer.Normalize(o.Stdout.Replace(ns.Path, "<netns>"), version, s_masked);

    [Theory]
    [MemberData(nameof(Versions))]
    public void Gateway_bridge_matches_the_reference(string version)
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        var (x, y) = AddBoth(ours, theirs, a, b, version, "\"isDefaultGateway\":true,\"mtu\":1400,\"hairpinMode\":true");

        Assert.Equal(Norm(y, b, version), Norm(x, a, version));
        foreach (var (lab, ns) in new[] { (ours, a), (theirs, b) })
        {
            Assert.Equal(["10.88.0.2/24"], BridgeLab.Addresses(ns, "eth0"));
            Assert.Equal(["10.88.0.0/24 via  dev eth0", "default via 10.88.0.1 dev eth0"], BridgeLab.Routes(ns));
            Assert.Equal(["10.88.0.1/24"], BridgeLab.Addresses(lab.Host, "cnitbr0"));
            Assert.Equal("1", ns.Sysctl("net.ipv4.conf.eth0.arp_notify"));
            Assert.Equal("1", lab.Host.Sysctl("net.ipv4.ip_forward"));
            Assert.Equal(1400, (int?)BridgeLab.Link(ns, "eth0")!["mtu"]);
            var port = BridgeLab.Links(lab.Host).Single(n => n.StartsWith("veth", StringComparison.Ordinal));
            var portLink = BridgeLab.Link(lab.Host, port)!;
            Assert.Equal("cnitbr0", (string?)portLink["master"]);
            Assert.Equal(1400, (int?)portLink["mtu"]);
            Assert.True((bool?)portLink["linkinfo"]!["info_slave_data"]!["hairpin"]);
            Assert.Equal("UP", (string?)BridgeLab.Link(lab.Host, "cnitbr0")!["operstate"]);
        }
    }

    [Fact]
    public void Two_containers_on_one_bridge_reach_each_other_and_the_gateway()
    {
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.0.0", "\"isGateway\":true");
        Assert.True(lab.Add(a, conf, "c1").Success);
        Assert.True(lab.Add(b, conf, "c2").Success);
        Assert.True(a.Ping("10.88.0.3"));
        Assert.True(b.Ping("10.88.0.2"));
        Assert.True(a.Ping("10.88.0.1"));
    }

    [Fact]
    public void Dual_stack_matches_the_reference_and_both_families_connect()
    {
        const string ranges = """[[{"subnet":"10.88.0.0/24"}],[{"subnet":"fd00:88::/64"}]]""";
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        var (x, y) = AddBoth(ours, theirs, a, b, "1.0.0", "\"isGateway\":true", ranges);
        Assert.Equal(Norm(y, b, "1.0.0"), Norm(x, a, "1.0.0"));
        Assert.Equal(BridgeLab.Addresses(b, "eth0"), BridgeLab.Addresses(a, "eth0"));
        Assert.Equal(BridgeLab.Addresses(theirs.Host, "cnitbr0"), BridgeLab.Addresses(ours.Host, "cnitbr0"));
        Assert.Equal("0", a.Sysctl("net.ipv6.conf.eth0.accept_dad"));

        var c = ours.NewContainer();
        Assert.True(ours.Add(c, ours.Conf("1.0.0", "\"isGateway\":true", ranges), "c2").Success);
        Assert.True(a.Ping("10.88.0.3"));
        Assert.True(a.Ping("fd00:88::3"));
        Assert.True(c.Ping("fd00:88::1"));
    }

    [Fact]
    public void Ipv6_only_matches_the_reference()
    {
        const string ranges = """[[{"subnet":"fd00:99::/64"}]]""";
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        var (x, y) = AddBoth(ours, theirs, a, b, "1.0.0", "\"isDefaultGateway\":true", ranges);
        Assert.Equal(Norm(y, b, "1.0.0"), Norm(x, a, "1.0.0"));
        Assert.Equal(BridgeLab.Routes(b, "-6"), BridgeLab.Routes(a, "-6"));
    }

    [Fact]
    public void L2_only_promisc_bridge_matches_the_reference()
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        var (x, y) = AddBoth(ours, theirs, a, b, "1.0.0", "\"promiscMode\":true", ranges: null);
        Assert.Equal(Norm(y, b, "1.0.0"), Norm(x, a, "1.0.0"));
        foreach (var (lab, ns) in new[] { (ours, a), (theirs, b) })
        {
            Assert.Empty(BridgeLab.Addresses(ns, "eth0"));
            Assert.Equal("UP", (string?)BridgeLab.Link(ns, "eth0")!["operstate"]);
            Assert.Contains("PROMISC", BridgeLab.Link(lab.Host, "cnitbr0")!["flags"]!.AsArray().Select(f => (string?)f));
        }
    }

    [SkippableFact]
    public void Vlan_access_port_matches_the_reference()
    {
        Skip.IfNot(KernelFeatures.HasBridgeVlanFiltering,
            $"this kernel has no bridge VLAN filtering ({KernelFeatures.BridgeVlanFilteringMissing})");
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        AddBoth(ours, theirs, a, b, "1.0.0", "\"vlan\":42");
        string Vlans(BridgeLab lab) =>
            string.Join(";", lab.Host.Exec("bridge", "vlan", "show").EnsureSuccess("bridge vlan").Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Trim(), "veth[0-9a-f]{8}", "veth")));
        Assert.Equal(Vlans(theirs), Vlans(ours));
        Assert.Contains("42 PVID Egress Untagged", Vlans(ours));
    }

    /// <summary>The other half of the VLAN case: where the kernel cannot filter, both refuse alike and ours cleans up.</summary>
    [SkippableFact]
    public void Vlan_without_kernel_support_is_refused_like_the_reference()
    {
        Skip.If(KernelFeatures.HasBridgeVlanFiltering, "this kernel has bridge VLAN filtering; the access-port test covers it");
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        var x = ours.Add(a, ours.Conf("1.0.0", "\"vlan\":42"));
        var y = theirs.Add(b, theirs.Conf("1.0.0", "\"vlan\":42"));
        Assert.False(y.Success, y.ToString());
        Assert.False(x.Success, x.ToString());
        Assert.Equal(y.ErrorCode, x.ErrorCode);
        Assert.Empty(BridgeLab.Links(a));
        Assert.DoesNotContain(BridgeLab.Links(ours.Host), n => n.StartsWith("veth", StringComparison.Ordinal));
        Assert.Empty(ours.ReservedIps());
    }

    [Fact]
    public void Check_succeeds_after_add_and_fails_when_the_address_is_gone()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = lab.Conf("1.0.0", "\"isGateway\":true");
        var add = lab.Add(a, conf);
        var call = CniCall.Add("c1", a.Path).As("CHECK");
        var ok = lab.Run(call, BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(ok.Success, ok.ToString());

        a.Ip("addr", "flush", "dev", "eth0").EnsureSuccess("flush");
        var bad = lab.Run(call, BridgeLab.WithPrev(conf, add.Stdout));
        Assert.Equal(999, bad.ErrorCode);
        Assert.Contains("10.88.0.2/24", bad.ErrorMessage);
    }

    [Fact]
    public void Gc_releases_addresses_of_attachments_no_longer_valid()
    {
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.1.0");
        Assert.True(lab.Add(a, conf, "c1").Success);
        Assert.True(lab.Add(b, conf, "c2").Success);
        Assert.Equal(2, lab.ReservedIps().Length);
        string gc = conf[..^1] + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]}";
        var o = lab.Run(new CniCall("GC"), gc);
        Assert.True(o.Success, o.ToString());
        Assert.Equal(["10.88.0.2"], lab.ReservedIps());

        var status = lab.Run(new CniCall("STATUS"), conf);
        Assert.True(status.Success, status.ToString());
    }
}
