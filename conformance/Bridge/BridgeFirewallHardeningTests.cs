using System.Security.Cryptography;
using System.Text;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>
/// The firewall layer under stress: attachments whose chain hashes collide, container IDs longer than a rule comment,
/// bridge names that would be wildcards, a failing firewall tool, and isolation rules outliving their last port.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BridgeFirewallHardeningTests
{
    private const string Masq = "\"isGateway\":true,\"ipMasq\":true";

    /// <summary>"ab" + "c" and "a" + "bc" hash to the same chain; each attachment must keep its own rules.</summary>
    [Fact]
    public void Attachments_sharing_a_chain_hash_keep_each_others_rules()
    {
        using var lab = new BridgeLab(ours: true);
        var (x, y) = (lab.NewContainer(), lab.NewContainer());
        string confX = NetConf(lab, "ab", "cnitbra", "10.93.0.0/24", Masq), confY = NetConf(lab, "a", "cnitbrb", "10.94.0.0/24", Masq);
        string chain = MasqChain("ab", "c");
        Assert.Equal(chain, MasqChain("a", "bc"));

        var addX = lab.Add(x, confX, "c");
        Assert.True(addX.Success, addX.ToString());
        var addY = lab.Add(y, confY, "bc");
        Assert.True(addY.Success, addY.ToString());
        Assert.Equal(2, Owned(lab.NatRules(), chain, "ab", "c").Length);
        Assert.Equal(2, Owned(lab.NatRules(), chain, "a", "bc").Length);
        Assert.Single(Jumps(lab.NatRules(), chain, "10.93.0.2/32", "ab", "c"));
        Assert.Single(Jumps(lab.NatRules(), chain, "10.94.0.2/32", "a", "bc"));

        var check = lab.Run(CniCall.Add("c", x.Path).As("CHECK"), BridgeLab.WithPrev(confX, addX.Stdout));
        Assert.True(check.Success, check.ToString());

        Assert.True(lab.Run(CniCall.Add("c", x.Path).As("DEL"), confX).Success);
        var rules = lab.NatRules();
        Assert.Empty(Owned(rules, chain, "ab", "c"));
        Assert.Empty(Jumps(rules, chain, "10.93.0.2/32", "ab", "c"));
        Assert.Equal(2, Owned(rules, chain, "a", "bc").Length);
        Assert.Single(Jumps(rules, chain, "10.94.0.2/32", "a", "bc"));
        Assert.Contains($":{chain}", rules);
        check = lab.Run(CniCall.Add("bc", y.Path).As("CHECK"), BridgeLab.WithPrev(confY, addY.Stdout));
        Assert.True(check.Success, check.ToString());

        Assert.True(lab.Run(CniCall.Add("bc", y.Path).As("DEL"), confY).Success);
        Assert.Empty(lab.NatRules());
    }

    /// <summary>GC of one network leaves a colliding attachment of another network alone.</summary>
    [Fact]
    public void Gc_collects_only_its_own_attachment_from_a_shared_chain()
    {
        using var lab = new BridgeLab(ours: true);
        var (x, y) = (lab.NewContainer(), lab.NewContainer());
        string confX = NetConf(lab, "ab", "cnitbra", "10.93.0.0/24", Masq, "1.1.0"), confY = NetConf(lab, "a", "cnitbrb", "10.94.0.0/24", Masq, "1.1.0");
        string chain = MasqChain("ab", "c");
        Assert.True(lab.Add(x, confX, "c").Success);
        Assert.True(lab.Add(y, confY, "bc").Success);

        var gc = lab.Run(new CniCall("GC"), confX[..^1] + ",\"cni.dev/valid-attachments\":[]}");
        Assert.True(gc.Success, gc.ToString());
        var rules = lab.NatRules();
        Assert.Empty(Owned(rules, chain, "ab", "c"));
        Assert.Empty(Jumps(rules, chain, "10.93.0.2/32", "ab", "c"));
        Assert.Equal(2, Owned(rules, chain, "a", "bc").Length);
        Assert.Single(Jumps(rules, chain, "10.94.0.2/32", "a", "bc"));

        gc = lab.Run(new CniCall("GC"), confY[..^1] + ",\"cni.dev/valid-attachments\":[]}");
        Assert.True(gc.Success, gc.ToString());
        Assert.Empty(lab.NatRules());
    }

    /// <summary>A 1,200-character container ID: the comment is cut where iptables cuts it, as the reference's is.</summary>
    [Fact]
    public void A_very_long_container_id_gets_iptables_masquerade_like_the_reference()
    {
        string id = LongId();
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        string confOurs = ours.Conf("1.0.0", Masq), confTheirs = theirs.Conf("1.0.0", Masq);
        var x = ours.Add(a, confOurs, id);
        var y = theirs.Add(b, confTheirs, id);
        Assert.True(x.Success, x.ToString());
        Assert.True(y.Success, y.ToString());
        var rules = ours.NatRules();
        Assert.Equal(theirs.NatRules(), rules);
        Assert.Equal(3, rules.Count(r => r.Contains("id: \\\"aaaa", StringComparison.Ordinal)));

        var check = ours.Run(CniCall.Add(id, a.Path).As("CHECK"), BridgeLab.WithPrev(confOurs, x.Stdout));
        Assert.True(check.Success, check.ToString());
        var del = ours.Run(CniCall.Add(id, a.Path).As("DEL"), confOurs);
        Assert.True(del.Success, del.ToString());
        Assert.Empty(ours.NatRules());
    }

    /// <summary>Two long IDs whose cut comments are equal: their chains tell them apart in DEL and GC.</summary>
    [Fact]
    public void Long_ids_sharing_a_cut_comment_are_told_apart_by_their_chains()
    {
        string id = LongId(), other = LongId() + "b";
        using var lab = new BridgeLab(ours: true);
        var (a, b, c) = (lab.NewContainer(), lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.1.0", Masq);
        Assert.True(lab.Add(a, conf, id).Success);
        Assert.True(lab.Add(b, conf, other).Success);
        Assert.True(lab.Add(c, conf, "c3").Success);
        Assert.Equal(3, lab.NatRules().Count(r => r.StartsWith($"-A {MasqChain("brnet", other)} ", StringComparison.Ordinal) ||
            r.EndsWith($"-j {MasqChain("brnet", other)}", StringComparison.Ordinal)));

        string valid = $$"""[{"containerID":"{{other}}","ifname":"eth0"},{"containerID":"c3","ifname":"eth0"}]""";
        var gc = lab.Run(new CniCall("GC"), conf[..^1] + ",\"cni.dev/valid-attachments\":" + valid + "}");
        Assert.True(gc.Success, gc.ToString());
        var rules = lab.NatRules();
        Assert.DoesNotContain(rules, r => r.Contains(MasqChain("brnet", id), StringComparison.Ordinal));
        Assert.Equal(4, rules.Count(r => r.Contains(MasqChain("brnet", other), StringComparison.Ordinal))); // chain, 2 rules, jump
        Assert.Equal(4, rules.Count(r => r.Contains(MasqChain("brnet", "c3"), StringComparison.Ordinal)));

        Assert.True(lab.Run(CniCall.Add(other, b.Path).As("DEL"), conf).Success);
        Assert.DoesNotContain(lab.NatRules(), r => r.Contains(MasqChain("brnet", other), StringComparison.Ordinal));
        Assert.Equal(4, lab.NatRules().Count(r => r.Contains(MasqChain("brnet", "c3"), StringComparison.Ordinal)));
        Assert.True(lab.Run(CniCall.Add("c3", c.Path).As("DEL"), conf).Success);
        Assert.Empty(lab.NatRules());
    }

    [Fact]
    public void A_very_long_container_id_gets_nftables_masquerade()
    {
        string id = LongId();
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = lab.Conf("1.0.0", Masq + ",\"ipMasqBackend\":\"nftables\"");
        var add = lab.Add(a, conf, id);
        Assert.True(add.Success, add.ToString());
        Assert.Contains("ip saddr 10.88.0.2 ip daddr != 10.88.0.0/24 masquerade comment \"", NftMasq(lab));
        Assert.Contains("id: aaaa", NftMasq(lab));

        var check = lab.Run(CniCall.Add(id, a.Path).As("CHECK"), BridgeLab.WithPrev(conf, add.Stdout));
        Assert.True(check.Success, check.ToString());
        var del = lab.Run(CniCall.Add(id, a.Path).As("DEL"), conf);
        Assert.True(del.Success, del.ToString());
        Assert.DoesNotContain("masquerade comment", NftMasq(lab));
    }

    /// <summary>
    /// Two nft attachments of one network whose comments are cut to the same text would still differ in their
    /// attachment hash; one whose interface differs must survive the other's DEL.
    /// </summary>
    [Fact]
    public void Nftables_del_keeps_another_attachments_rule()
    {
        string id = LongId();
        using var lab = new BridgeLab(ours: true);
        var (a, b) = (lab.NewContainer(), lab.NewContainer());
        string conf = lab.Conf("1.0.0", Masq + ",\"ipMasqBackend\":\"nftables\"");
        Assert.True(lab.Add(a, conf, id).Success);
        Assert.True(lab.Add(b, conf, id + "b").Success);
        Assert.Equal(2, Count(NftMasq(lab), "masquerade comment"));
        Assert.True(lab.Run(CniCall.Add(id, a.Path).As("DEL"), conf).Success);
        Assert.Equal(1, Count(NftMasq(lab), "masquerade comment"));
        Assert.Contains("ip saddr 10.88.0.3 ", NftMasq(lab));
        Assert.True(lab.Run(CniCall.Add(id + "b", b.Path).As("DEL"), conf).Success);
        Assert.Equal(0, Count(NftMasq(lab), "masquerade comment"));
    }

    /// <summary>
    /// Names a firewall rule cannot hold exactly are refused before anything is made: '+' would make
    /// <c>-o cs+</c> match every cs* interface, a double quote or backslash would end or escape a quoted string.
    /// </summary>
    [Theory]
    [InlineData("cs+", "eth0", "\"isolation\":true", 7)]
    [InlineData("c\\\"s", "eth0", "\"isolation\":true", 7)]
    [InlineData("cnitbr0", "e\"0", "\"macspoofchk\":true", 4)]
    [InlineData("cnitbr0", "e\\0", "\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"", 4)]
    public void Names_a_rule_cannot_hold_are_refused_and_nothing_is_made(string bridgeJson, string ifName, string extra, int code)
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = NetConf(lab, "brnet", bridgeJson, "10.88.0.0/24", "\"isGateway\":true," + extra);
        var add = lab.Add(a, conf, ifName: ifName);
        Assert.Equal(code, add.ErrorCode);
        Assert.Empty(BridgeLab.Links(lab.Host));
        Assert.Empty(BridgeLab.Links(a));
        Assert.Empty(lab.ReservedIps());
        Assert.DoesNotContain("CNI-", lab.Host.Exec("iptables-save").Stdout);
        Assert.Equal("", lab.Host.Exec("nft", "list", "ruleset").Stdout.Trim());
    }

    /// <summary>Without isolation a '+' bridge name never reaches a rule, and the kernel takes it, as with the reference.</summary>
    [Fact]
    public void A_bridge_name_with_a_plus_works_without_isolation()
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        var add = lab.Add(a, NetConf(lab, "brnet", "cs+", "10.88.0.0/24", "\"isGateway\":true"));
        Assert.True(add.Success, add.ToString());
        Assert.Contains("cs+", BridgeLab.Links(lab.Host));
    }

    /// <summary>A failing iptables-restore or nft: what it printed on stderr is in the error's details.</summary>
    [Theory]
    [InlineData("iptables", "iptables-restore")]
    [InlineData("nftables", "nft")]
    public void A_failing_firewall_tool_reports_its_stderr(string backend, string tool)
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string fakeDir = Directory.CreateTempSubdirectory("cnit-fakefw-").FullName;
        try
        {
            string fake = Path.Combine(fakeDir, tool);
            File.WriteAllText(fake, "#!/bin/sh\necho \"fake-tool: line 3: no chain/target/match by that name\" >&2\nexit 2\n");
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var call = CniCall.Add("c1", a.Path) with
            {
                Extra = new() { ["PATH"] = $"{fakeDir}:{Environment.GetEnvironmentVariable("PATH")}" },
            };
            var add = lab.Run(call, lab.Conf("1.0.0", Masq + $",\"ipMasqBackend\":\"{backend}\""));
            Assert.Equal(999, add.ErrorCode);
            Assert.Contains($"{tool} exited with 2", add.ErrorMessage);
            Assert.Contains("fake-tool: line 3: no chain/target/match by that name", (string?)add.Json?["details"]);
            Assert.Empty(lab.ReservedIps()); // rolled back
        }
        finally
        {
            Directory.Delete(fakeDir, recursive: true);
        }
    }

    /// <summary>
    /// DEL with an empty CNI_NETNS leaves the veth; once its namespace is gone the bridge has no port, and the next
    /// GC (or DEL on the network) removes the bridge's isolation rules.
    /// </summary>
    [Theory]
    [InlineData("GC")]
    [InlineData("DEL")]
    public void Isolation_rules_of_a_bridge_left_without_ports_go_with_gc_or_a_later_del(string verb)
    {
        using var lab = new BridgeLab(ours: true);
        var a = lab.NewContainer();
        string conf = lab.Conf("1.1.0", "\"isGateway\":true,\"isolation\":true");
        var add = lab.Add(a, conf);
        Assert.True(add.Success, add.ToString());
        Assert.Contains("-o cnitbr0 -j DROP", Filter(lab));

        var del = lab.Run(new CniCall("DEL") { ContainerId = "c1", Netns = "", IfName = "eth0" }, conf);
        Assert.True(del.Success, del.ToString());
        Assert.Single(Ports(lab)); // the veth stays with its namespace
        Assert.Contains("-o cnitbr0 -j DROP", Filter(lab));

        a.Dispose();
        Assert.True(SpinUntil(() => Ports(lab).Length == 0), "the host veth should go with the container's namespace");
        Assert.Contains("-o cnitbr0 -j DROP", Filter(lab));

        var later = verb == "GC"
            ? lab.Run(new CniCall("GC"), conf[..^1] + ",\"cni.dev/valid-attachments\":[]}")
            : lab.Run(new CniCall("DEL") { ContainerId = "c2", Netns = a.Path, IfName = "eth0" }, conf); // a container long gone
        Assert.True(later.Success, later.ToString());
        Assert.DoesNotContain("cnitbr0", Filter(lab));
        Assert.DoesNotContain("CNI-ISOLATION", Filter(lab));
    }

    private static string NetConf(BridgeLab lab, string name, string bridge, string subnet, string extra, string version = "1.0.0") =>
        $$$"""{"cniVersion":"{{{version}}}","name":"{{{name}}}","type":"bridge","bridge":"{{{bridge}}}",{{{extra}}},"ipam":{"type":"host-local","ranges":[[{"subnet":"{{{subnet}}}"}]],"dataDir":"{{{lab.DataDir}}}","indexDir":"{{{lab.DataDir}}}/.index"}}""";

    /// <summary>The reference's chain name, computed here independently of the code under test.</summary>
    private static string MasqChain(string network, string id) =>
        "CNI-" + Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(network + id))).ToLowerInvariant()[..24];

    private static string Comment(string network, string id) => $"--comment \"name: \\\"{network}\\\" id: \\\"{id}\\\"\"";

    private static string[] Owned(string[] rules, string chain, string network, string id) =>
        rules.Where(r => r.StartsWith($"-A {chain} ", StringComparison.Ordinal) && r.Contains(Comment(network, id), StringComparison.Ordinal)).ToArray();

    private static string[] Jumps(string[] rules, string chain, string source, string network, string id) =>
        rules.Where(r => r == $"-A POSTROUTING -s {source} -m comment {Comment(network, id)} -j {chain}").ToArray();

    private static string LongId() => string.Concat(Enumerable.Repeat("a", 1200));

    private static string NftMasq(BridgeLab lab) => lab.Host.Exec("nft", "list", "table", "inet", "cni_plugins_masquerade").Stdout;

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    private static string Filter(BridgeLab lab) => lab.Host.Exec("iptables-save", "-t", "filter").EnsureSuccess("iptables-save").Stdout;

    private static string[] Ports(BridgeLab lab) =>
        BridgeLab.Links(lab.Host).Where(n => n.StartsWith("veth", StringComparison.Ordinal)).ToArray();

    private static bool SpinUntil(Func<bool> condition)
    {
        for (int i = 0; i < 50; i++)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return condition();
    }
}
