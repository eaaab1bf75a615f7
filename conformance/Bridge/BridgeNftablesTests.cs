using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>
/// ipMasqBackend nftables. The reference here (Debian's 1.1.1) has no nftables backend, so ours is checked against
/// a fixture written from the upstream plugin's source (containernetworking/plugins,
/// pkg/ip/ipmasq_nftables_linux.go): Fixtures/nftables-masquerade.txt says where each name, rule shape and comment
/// format comes from.
/// </summary>
public sealed class BridgeNftablesTests
{
    private static readonly string FixturePath = Path.Combine(Paths.RepoRoot, "conformance", "Bridge", "Fixtures", "nftables-masquerade.txt");

    /// <summary>The fixture's listing lines, trimmed; its '#' comment header left out.</summary>
    private static string[] Fixture() =>
        File.ReadAllLines(FixturePath).Where(l => !l.StartsWith('#')).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    /// <summary>The table as nft lists it in the lab's host namespace, lines trimmed, blank ones left out.</summary>
    private static string Listing(BridgeLab lab) => Lines(
        lab.Host.Exec("nft", "list", "table", "inet", "cni_plugins_masquerade").EnsureSuccess("nft list table").Stdout
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    /// <summary>One string, so a mismatch is shown with the lines around it.</summary>
    private static string Lines(IEnumerable<string> lines) => string.Join("\n", lines);

    [Fact]
    public void Masquerade_table_matches_the_upstream_layout_and_rules_go_with_del_and_gc()
    {
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.1.0", "\"isGateway\":true,\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"",
            """[[{"subnet":"10.88.0.0/24"}],[{"subnet":"fd00:88::/64"}]]""");
        var add = lab.Add(a, conf, "c1");
        Assert.True(add.Success, add.ToString());
        var add2 = lab.Add(b, conf, "c2");
        Assert.True(add2.Success, add2.ToString());

        string[] expected = Fixture();
        Assert.Equal(Lines(expected), Listing(lab));
        Assert.Empty(lab.NatRules()); // nothing in iptables
        Assert.Empty(lab.NatRules(ipv6: true));

        var check = lab.Run(CniCall.Add("c1", a.Path).As("CHECK"), BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(check.Success, check.ToString());

        // DEL takes exactly c1's two rules; the table, the chains and c2's rules stay as they were.
        var del = lab.Run(CniCall.Add("c1", a.Path).As("DEL"), conf);
        Assert.True(del.Success, del.ToString());
        Assert.Equal(Lines(expected.Where(l => !l.EndsWith("id: c1\"", StringComparison.Ordinal))), Listing(lab));

        // GC with no valid attachment takes every rule of the network, and only those.
        var gc = lab.Run(new CniCall("GC"), conf[..^1] + ",\"cni.dev/valid-attachments\":[]}");
        Assert.True(gc.Success, gc.ToString());
        Assert.Equal(Lines(expected.Where(l => !l.Contains(" masquerade comment ", StringComparison.Ordinal))), Listing(lab));
    }
}
