using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>
/// ipMasqBackend nftables: the reference's table, chains and per-attachment comments (reference 1.1.1 has no
/// nftables backend, so these check ours against the layout of newer reference releases).
/// </summary>
public sealed class BridgeNftablesTests
{
    private static string Ruleset(BridgeLab lab) => lab.Host.Exec("nft", "list", "table", "inet", "cni_plugins_masquerade").Stdout;

    [Fact]
    public void Masquerade_rules_per_attachment_go_with_del_and_gc()
    {
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.1.0", "\"isGateway\":true,\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"",
            """[[{"subnet":"10.88.0.0/24"}],[{"subnet":"fd00:88::/64"}]]""");
        var add = lab.Add(a, conf, "c1");
        Assert.True(add.Success, add.ToString());
        Assert.True(lab.Add(b, conf, "c2").Success);

        string rules = Ruleset(lab);
        Assert.Contains("type nat hook postrouting priority srcnat", rules);
        Assert.Contains("ip daddr 224.0.0.0/4 return", rules);
        Assert.Contains("goto masq_checks", rules);
        Assert.Contains("ip saddr 10.88.0.2 ip daddr != 10.88.0.0/24 masquerade comment", rules);
        Assert.Contains("ip6 saddr fd00:88::2 ip6 daddr != fd00:88::/64 masquerade comment", rules);
        Assert.Contains("net: brnet, if: eth0, id: c1\"", rules);
        Assert.Empty(lab.NatRules()); // nothing in iptables

        var check = lab.Run(CniCall.Add("c1", a.Path).As("CHECK"), BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(check.Success, check.ToString());

        var del = lab.Run(CniCall.Add("c1", a.Path).As("DEL"), conf);
        Assert.True(del.Success, del.ToString());
        Assert.DoesNotContain("id: c1\"", Ruleset(lab));
        Assert.Contains("id: c2\"", Ruleset(lab));

        var gc = lab.Run(new CniCall("GC"), conf[..^1] + ",\"cni.dev/valid-attachments\":[]}");
        Assert.True(gc.Success, gc.ToString());
        Assert.DoesNotContain("masquerade comment", Ruleset(lab));
    }
}
