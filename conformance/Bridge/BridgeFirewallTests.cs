using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>Masquerade rules (the reference's chains and comments) and isolation between bridges, in the kernel.</summary>
public sealed class BridgeFirewallTests
{
    [Fact]
    public void Masquerade_rules_match_the_reference_and_go_with_del()
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        string extra = "\"isGateway\":true,\"ipMasq\":true";
        var x = ours.Add(a, ours.Conf("1.0.0", extra));
        var y = theirs.Add(b, theirs.Conf("1.0.0", extra));
        Assert.True(x.Success, x.ToString());
        Assert.True(y.Success, y.ToString());

        var rules = ours.NatRules();
        Assert.Equal(theirs.NatRules(), rules);
        Assert.Contains(rules, r => r.Contains("-j MASQUERADE") && r.Contains("name: \\\"brnet\\\" id: \\\"c1\\\""));

        var check = ours.Run(CniCall.Add("c1", a.Path).As("CHECK"), BridgeLab.WithPrev(ours.Conf("1.0.0", extra), x.Stdout));
        Assert.True(check.Success, check.ToString());

        var del = ours.Run(CniCall.Add("c1", a.Path).As("DEL"), ours.Conf("1.0.0", extra));
        Assert.True(del.Success, del.ToString());
        Assert.Empty(ours.NatRules());
    }

    [Fact]
    public void Dual_stack_masquerade_rules_match_the_reference_in_both_families()
    {
        const string ranges = """[[{"subnet":"10.88.0.0/24"}],[{"subnet":"fd00:88::/64"}]]""";
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        const string extra = "\"isGateway\":true,\"ipMasq\":true";
        Assert.True(ours.Add(a, ours.Conf("1.0.0", extra, ranges)).Success);
        Assert.True(theirs.Add(b, theirs.Conf("1.0.0", extra, ranges)).Success);
        Assert.Equal(theirs.NatRules(), ours.NatRules());
        Assert.Equal(theirs.NatRules(ipv6: true), ours.NatRules(ipv6: true));
        Assert.Contains(ours.NatRules(ipv6: true), r => r.Contains("! -d ff00::/8") && r.Contains("-j MASQUERADE"));

        Assert.True(ours.Run(CniCall.Add("c1", a.Path).As("DEL"), ours.Conf("1.0.0", extra, ranges)).Success);
        Assert.Empty(ours.NatRules());
        Assert.Empty(ours.NatRules(ipv6: true));
    }

    [Fact]
    public void Masquerade_rules_go_even_when_the_namespace_is_gone()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = lab.Conf("1.0.0", "\"isGateway\":true,\"ipMasq\":true");
        var add = lab.Add(a, conf);
        Assert.True(add.Success, add.ToString());
        Assert.NotEmpty(lab.NatRules());
        a.Dispose();
        var del = lab.Run(CniCall.Add("c1", a.Path).As("DEL"), BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(del.Success, del.ToString());
        Assert.Empty(lab.NatRules());
        Assert.Empty(lab.ReservedIps());
    }

    [Fact]
    public void Gc_removes_masquerade_rules_of_stale_attachments()
    {
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.1.0", "\"isGateway\":true,\"ipMasq\":true");
        Assert.True(lab.Add(a, conf, "c1").Success);
        Assert.True(lab.Add(b, conf, "c2").Success);
        string gc = conf[..^1] + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]}";
        var o = lab.Run(new CniCall("GC"), gc);
        Assert.True(o.Success, o.ToString());
        var rules = lab.NatRules();
        Assert.Contains(rules, r => r.Contains("id: \\\"c1\\\""));
        Assert.DoesNotContain(rules, r => r.Contains("id: \\\"c2\\\""));
    }

    [Fact]
    public void Isolated_bridges_cannot_reach_each_other_but_reach_their_gateways()
    {
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string Conf(string bridge, string subnet, string name) =>
            $$$"""{"cniVersion":"1.0.0","name":"{{{name}}}","type":"bridge","bridge":"{{{bridge}}}","isDefaultGateway":true,"isolation":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"{{{subnet}}}"}]],"dataDir":"{{{lab.DataDir}}}","indexDir":"{{{lab.DataDir}}}/.index"}}""";
        string confA = Conf("cnitbra", "10.91.0.0/24", "neta"), confB = Conf("cnitbrb", "10.92.0.0/24", "netb");
        Assert.True(lab.Add(a, confA, "ca").Success);
        Assert.True(lab.Add(b, confB, "cb").Success);

        Assert.True(a.Ping("10.91.0.1"));
        Assert.True(b.Ping("10.92.0.1"));
        Assert.True(a.CannotPing("10.92.0.2"));
        Assert.True(b.CannotPing("10.91.0.2"));

        // With the last container of one network gone its rules go, and routing between the bridges is back.
        Assert.True(lab.Run(CniCall.Add("cb", b.Path).As("DEL"), confB).Success);
        Assert.DoesNotContain("cnitbrb", lab.Host.Exec("iptables-save", "-t", "filter").Stdout);
        var c = lab.NewContainer();
        string plain = confB.Replace("\"isolation\":true,", "");
        Assert.True(lab.Add(c, plain, "cc").Success);
        Assert.True(a.Ping("10.92.0.3"), "isolation only separates isolated networks from each other");
        Assert.True(lab.Run(CniCall.Add("ca", a.Path).As("DEL"), confA).Success);
        Assert.DoesNotContain("CNI-ISOLATION", lab.Host.Exec("iptables-save", "-t", "filter").Stdout);
    }
}
