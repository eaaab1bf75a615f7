using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Portmap;

/// <summary>
/// The same input gives the same iptables rules as Debian's reference portmap (1.1.1), in both families; rules
/// either suite made are removed by the other; bad input is refused before anything is applied; GC removes only
/// the network's stale containers; the nftables backend follows the upstream layout (Debian's has none).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PortmapReferenceTests
{
    /// <summary>A dual-stack container as bridge reports it: the rules depend only on these addresses.</summary>
    private const string Prev =
        """{"cniVersion":"1.0.0","interfaces":[{"name":"cnitpm0"},{"name":"veth1"},{"name":"eth0","sandbox":"/run/netns/x"}],"ips":[{"address":"10.77.0.2/24","interface":2},{"address":"fd10:77::2/64","interface":2}]}""";

    private const string Many =
        """[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8081,"containerPort":81,"protocol":"udp","hostIP":"10.77.0.1"},{"hostPort":8082,"containerPort":82,"protocol":"tcp","hostIP":"fd10:77::1"},{"hostPort":9000,"containerPort":90,"protocol":"sctp"},{"hostPort":8443,"containerPort":443,"protocol":"tcp","hostIP":"0.0.0.0"}]""";

    public static TheoryData<string, string> Inputs => new()
    {
        { Many, "" },
        { Many, "\"snat\":false" },
        { Many, "\"markMasqBit\":5" },
        { Many, "\"externalSetMarkChain\":\"KUBE-MARK-MASQ\"" },
        { Many, "\"conditionsV4\":[\"-s\",\"192.168.0.0/16\"],\"conditionsV6\":[\"!\",\"-s\",\"fd00::/8\"]" },
        { "[" + string.Join(",", Enumerable.Range(0, 20).Select(i => $$"""{"hostPort":{{7000 + i}},"containerPort":{{i + 1}},"protocol":"udp"}""")) + "]", "" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Iptables_rules_equal_the_references_after_add_and_after_del(string mappings, string extra)
    {
        using var ours = new TestNetns("host");
        using var theirs = new TestNetns("host");
        using var ctr = new TestNetns("ctr");
        string conf = PortmapLab.PortmapConf(mappings, Prev, extra);
        if (extra.Contains("KUBE-MARK-MASQ", StringComparison.Ordinal))
        {
            foreach (var ns in new[] { ours, theirs })
            {
                ns.Exec("iptables", "-t", "nat", "-N", "KUBE-MARK-MASQ").EnsureSuccess("external chain");
                ns.Exec("ip6tables", "-t", "nat", "-N", "KUBE-MARK-MASQ").EnsureSuccess("external chain");
            }
        }

        var a = Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c1", ctr.Path), conf, ours);
        var b = Plugin.Exec(Paths.Reference("portmap"), CniCall.Add("c1", ctr.Path), conf, theirs);
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        Assert.Equal(Nat(theirs, v6: false), Nat(ours, v6: false));
        Assert.Equal(Nat(theirs, v6: true), Nat(ours, v6: true));
        Assert.Contains(Nat(ours, v6: false), r => r.Contains("CNI-DN-", StringComparison.Ordinal));

        Assert.True(Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c1", ctr.Path).As("DEL"), conf, ours).Success);
        Assert.True(Plugin.Exec(Paths.Reference("portmap"), CniCall.Add("c1", ctr.Path).As("DEL"), conf, theirs).Success);
        Assert.Equal(Nat(theirs, v6: false), Nat(ours, v6: false));
        Assert.Equal(Nat(theirs, v6: true), Nat(ours, v6: true));
        Assert.DoesNotContain(Nat(ours, v6: false), r => r.Contains("CNI-DN-", StringComparison.Ordinal));
    }

    /// <summary>Reference adds and ours deletes, and the reverse: each leaves what the reference's own DEL leaves.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mixed_teardown_leaves_what_the_references_own_del_leaves(bool oursAdds)
    {
        using var mixed = new TestNetns("host");
        using var plain = new TestNetns("host");
        using var ctr = new TestNetns("ctr");
        string conf = PortmapLab.PortmapConf(Many, Prev);
        string adder = oursAdds ? Paths.Ours("portmap") : Paths.Reference("portmap");
        string deleter = oursAdds ? Paths.Reference("portmap") : Paths.Ours("portmap");
        Assert.True(Plugin.Exec(adder, CniCall.Add("c1", ctr.Path), conf, mixed).Success);
        var del = Plugin.Exec(deleter, CniCall.Add("c1", ctr.Path).As("DEL"), conf, mixed);
        Assert.True(del.Success, del.ToString());
        Assert.True(Plugin.Exec(Paths.Reference("portmap"), CniCall.Add("c1", ctr.Path), conf, plain).Success);
        Assert.True(Plugin.Exec(Paths.Reference("portmap"), CniCall.Add("c1", ctr.Path).As("DEL"), conf, plain).Success);

        foreach (bool v6 in new[] { false, true })
        {
            Assert.Equal(Nat(plain, v6), Nat(mixed, v6));
            Assert.DoesNotContain(Nat(mixed, v6), r => r.Contains("CNI-DN-", StringComparison.Ordinal) || r.Contains("dnat name", StringComparison.Ordinal));
        }
    }

    public static TheoryData<string, string> BadMappings => new()
    {
        { """[{"hostPort":0,"containerPort":80,"protocol":"tcp"}]""", "port" },
        { """[{"hostPort":65536,"containerPort":80,"protocol":"tcp"}]""", "port" },
        { """[{"hostPort":8080,"containerPort":70000,"protocol":"tcp"}]""", "port" },
        { """[{"hostPort":8080,"containerPort":80,"protocol":"icmp"}]""", "protocol" },
        { """[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":"fd99::1"}]""", "hostIP" },
        { """[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":"not-an-ip"}]""", "hostIP" },
        { """[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8080,"containerPort":81,"protocol":"tcp"}]""", "twice" },
        { """[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":"10.77.0.1"},{"hostPort":8080,"containerPort":81,"protocol":"TCP","hostIP":"10.77.0.1"}]""", "twice" },
    };

    [Theory]
    [MemberData(nameof(BadMappings))]
    public void Bad_mappings_are_refused_with_code_7_and_nothing_is_applied(string mappings, string said)
    {
        using var host = new TestNetns("host");
        using var ctr = new TestNetns("ctr");
        const string v4Only = """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/x"}],"ips":[{"address":"10.77.0.2/24","interface":0}]}""";
        string conf = PortmapLab.PortmapConf("""[{"hostPort":7000,"containerPort":70,"protocol":"tcp"},""" + mappings[1..], v4Only);
        var add = Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c1", ctr.Path), conf, host);
        Assert.Equal(7, add.ErrorCode);
        Assert.Contains(said, add.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Nat(host, v6: false), r => r.Contains("CNI-", StringComparison.Ordinal));
        Assert.DoesNotContain(Nat(host, v6: true), r => r.Contains("CNI-", StringComparison.Ordinal));
    }

    [Fact]
    public void Gc_removes_the_networks_containers_not_in_the_valid_list()
    {
        using var host = new TestNetns("host");
        using var ctr = new TestNetns("ctr");
        string conf = PortmapLab.PortmapConf("""[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]""", Prev);
        Assert.True(Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c1", ctr.Path), conf, host).Success);
        Assert.True(Plugin.Exec(Paths.Reference("portmap"), CniCall.Add("c2", ctr.Path), conf.Replace("8080", "8090"), host).Success);
        string other = conf.Replace("\"pmnet\"", "\"othernet\"").Replace("8080", "8070");
        Assert.True(Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c3", ctr.Path), other, host).Success);

        string gcConf = conf.Replace("\"cniVersion\":\"1.0.0\"", "\"cniVersion\":\"1.1.0\"")[..^1] +
            ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]}";
        var gc = Plugin.Exec(Paths.Ours("portmap"), new CniCall("GC"), gcConf, host);
        Assert.True(gc.Success, gc.ToString());
        foreach (bool v6 in new[] { false, true })
        {
            var rules = Nat(host, v6);
            Assert.Contains(rules, r => r.Contains("id: \\\"c1\\\"", StringComparison.Ordinal));
            Assert.DoesNotContain(rules, r => r.Contains("id: \\\"c2\\\"", StringComparison.Ordinal) || r.Contains("--dport 8090", StringComparison.Ordinal));
            Assert.Contains(rules, r => r.Contains("id: \\\"c3\\\"", StringComparison.Ordinal)); // another network's
        }
    }

    /// <summary>The upstream nftables layout (portmap_nftables.go): tables, base chains and per-container rules with the ID as comment.</summary>
    [Fact]
    public void Nftables_backend_follows_the_upstream_layout_and_del_keeps_other_containers()
    {
        using var host = new TestNetns("host");
        using var ctr = new TestNetns("ctr");
        string conf = PortmapLab.PortmapConf(Many, Prev, "\"backend\":\"nftables\"");
        Assert.True(Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c1", ctr.Path), conf, host).Success);
        Assert.True(Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c2", ctr.Path), conf.Replace("10.77.0.2", "10.77.0.3").Replace("fd10:77::2", "fd10:77::3"), host).Success);
        string v4 = host.Exec("nft", "list", "table", "ip", "cni_hostport").EnsureSuccess("nft").Stdout;
        string v6 = host.Exec("nft", "list", "table", "ip6", "cni_hostport").EnsureSuccess("nft").Stdout;
        foreach (string line in new[]
        {
            "comment \"CNI portmap plugin\"",
            "type nat hook prerouting priority dstnat; policy accept;",
            "jump hostip_hostports",
            "fib daddr type local jump hostports",
            "tcp dport 8080 dnat to 10.77.0.2:80 comment \"c1\"",
            "tcp dport 8443 dnat to 10.77.0.2:443 comment \"c1\"",
            "sctp dport 9000 dnat to 10.77.0.2:90 comment \"c1\"",
            "ip daddr 10.77.0.1 udp dport 8081 dnat to 10.77.0.2:81 comment \"c1\"",
            "type nat hook postrouting priority srcnat; policy accept;",
            "ip saddr 10.77.0.2 ip daddr 10.77.0.2 masquerade comment \"c1\"",
            "ip saddr 127.0.0.1 ip daddr 10.77.0.2 masquerade comment \"c1\"",
        })
        {
            Assert.Contains(line, v4);
        }

        Assert.Contains("ip6 daddr fd10:77::1 tcp dport 8082 dnat to [fd10:77::2]:82 comment \"c1\"", v6);
        Assert.Contains("ip6 saddr fd10:77::2 ip6 daddr fd10:77::2 masquerade comment \"c1\"", v6);
        Assert.DoesNotContain("8082", v4);
        Assert.DoesNotContain("8081", v6);

        Assert.True(Plugin.Exec(Paths.Ours("portmap"), CniCall.Add("c1", ctr.Path).As("DEL"), conf, host).Success);
        v4 = host.Exec("nft", "list", "table", "ip", "cni_hostport").EnsureSuccess("nft").Stdout;
        Assert.DoesNotContain("comment \"c1\"", v4);
        Assert.Contains("tcp dport 8080 dnat to 10.77.0.3:80 comment \"c2\"", v4);
    }

    private static string[] Nat(TestNetns ns, bool v6) =>
        ns.Exec(v6 ? "ip6tables-save" : "iptables-save", "-t", "nat").EnsureSuccess("iptables-save").Stdout.Split('\n')
            .Where(l => l.StartsWith("-A ", StringComparison.Ordinal) || l.StartsWith(':'))
            .Select(l => l.StartsWith(':') ? l.Split(' ')[0] : l).ToArray();
}
