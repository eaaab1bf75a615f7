using CniPlugins.Conformance.Bridge;
using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>
/// l2 mode (Docker's overlay): one subnet across three hosts, a bridge per host with the VXLAN device as a port,
/// broadcast and unknown unicast sent to every peer through all-zero FDB entries.
/// </summary>
public sealed class VxlanL2Tests
{
    private const int Vni = 42;
    private const string Bridge = "vxbr42";
    private const string Device = "vxlan42";

    /// <summary>The anycast gateway's MAC: 0a:58:ff and the VNI's three bytes, the same on every host.</summary>
    private const string GatewayMac = "0a:58:ff:00:00:2a";

    /// <summary>The bridge-family nftables table that keeps the anycast gateway off the tunnel: VNI and UDP port.</summary>
    internal const string GatewayTable = "cni_vxlan_42_4789";

    private static string ZeroEntry(VxlanHost peer) => $"00:00:00:00:00:00 {peer.Ip} self permanent";

    [Fact]
    public void Two_containers_per_host_on_three_hosts_all_reach_each_other()
    {
        using var lab = new VxlanLab(hosts: 3);
        var ctrs = lab.Hosts.SelectMany(h => new[] { h.Join(lab.L2Conf(h, Vni)), h.Join(lab.L2Conf(h, Vni)) }).ToList();

        // Disjoint host-local ranges of one subnet: host n allocates from 10.60.0.(10n).
        Assert.Equal(6, ctrs.Select(c => c.Ip).Distinct().Count());
        Assert.All(ctrs, c => Assert.StartsWith($"10.60.0.{c.Host.Index}", c.Ip, StringComparison.Ordinal));

        foreach (var h in lab.Hosts)
        {
            var vx = VxlanLab.Link(h.Ns, Device)!;
            var data = vx["linkinfo"]!["info_data"]!;
            Assert.Equal("vxlan", (string?)vx["linkinfo"]!["info_kind"]);
            Assert.Equal(Vni, (int?)data["id"]);
            Assert.Equal(4789, (int?)data["port"]);
            Assert.Equal(h.Ip, (string?)data["local"]);
            Assert.Equal(Bridge, (string?)vx["master"]);
            Assert.Equal(["10.60.0.1/24"], BridgeLab.Addresses(h.Ns, Bridge));
            Assert.Equal(GatewayMac, (string?)VxlanLab.Link(h.Ns, Bridge)!["address"]);

            // One all-zero entry per other host; its own address in the peers list is skipped.
            var others = lab.Hosts.Where(o => o != h).Select(ZeroEntry).Order().ToArray();
            Assert.Equal(others, VxlanLab.FloodEntries(h.Ns, Device));
        }

        var pairs = from a in ctrs from b in ctrs where a != b select (a, b.Ip);
        Assert.Empty(VxlanLab.Unreachable(pairs));

        // The anycast gateway: each container reaches 10.60.0.1 at the same MAC, answered by its own host.
        foreach (var c in ctrs)
        {
            Assert.True(VxlanLab.Reaches(c.Ns, "10.60.0.1"), $"{c} -> gateway");
            Assert.Contains(VxlanLab.Neighbours(c.Ns, "eth0"), n => n.StartsWith($"10.60.0.1 {GatewayMac} ", StringComparison.Ordinal));
        }

        // The hosts do not fight over the anycast MAC: no host learned it behind the VXLAN port (frames from it and
        // ARP for the gateway are kept off that port by the network's bridge-family table).
        foreach (var h in lab.Hosts)
        {
            Assert.DoesNotContain(VxlanLab.RemoteFdb(h.Ns, Device), e => e.StartsWith(GatewayMac, StringComparison.Ordinal));
            string table = h.Ns.Exec("nft", "list", "table", "bridge", GatewayTable).EnsureSuccess($"nft table on {h}").Stdout;
            Assert.Contains($"iifname \"{Device}\" ether saddr {GatewayMac} drop", table);
            Assert.Contains($"oifname \"{Device}\" ether saddr {GatewayMac} drop", table);
            Assert.Contains($"oifname \"{Device}\" arp daddr ip 10.60.0.1 drop", table);
        }
    }

    [Fact]
    public void A_second_vni_on_the_same_hosts_and_subnet_is_unreachable_from_the_first()
    {
        using var lab = new VxlanLab(hosts: 3);
        // VNI 42 on hosts 1 and 2, VNI 43 on hosts 2 and 3, both in 10.60.0.0/24 (disjoint ranges, so every address
        // is unique): only the VNI separates them. VNI 43 has no gateway, so no host holds 10.60.0.1 twice.
        var a1 = lab[1].Join(lab.L2Conf(lab[1], Vni));
        var a2 = lab[2].Join(lab.L2Conf(lab[2], Vni));
        var b2 = lab[2].Join(lab.L2Conf(lab[2], 43, gateway: false, rangeOffset: 100));
        var b3 = lab[3].Join(lab.L2Conf(lab[3], 43, gateway: false, rangeOffset: 100));

        Assert.Equal(43, (int?)VxlanLab.Link(lab[2].Ns, "vxlan43")!["linkinfo"]!["info_data"]!["id"]);
        Assert.Equal("vxbr43", (string?)VxlanLab.Link(lab[2].Ns, "vxlan43")!["master"]);

        // Each network works across hosts...
        Assert.Empty(VxlanLab.Unreachable([(a1, a2.Ip), (a2, a1.Ip), (b2, b3.Ip), (b3, b2.Ip)]));

        // ...and neither reaches the other, across hosts or on the host both share.
        Assert.True(a1.Ns.CannotPing(b3.Ip), $"{a1} reached {b3}");
        Assert.True(a1.Ns.CannotPing(b2.Ip), $"{a1} reached {b2}");
        Assert.True(a2.Ns.CannotPing(b2.Ip), $"{a2} reached {b2}");
        Assert.True(b3.Ns.CannotPing(a1.Ip), $"{b3} reached {a1}");
        Assert.True(b3.Ns.CannotPing(a2.Ip), $"{b3} reached {a2}");
    }

    [Theory]
    [InlineData(null, 1450)]
    [InlineData(1400, 1400)]
    public void A_ping_of_exactly_the_overlay_mtu_passes_and_one_byte_more_with_df_fails(int? mtu, int expected)
    {
        using var lab = new VxlanLab(hosts: 2);
        string extra = mtu is null ? "" : $"\"mtu\":{mtu}";
        var a = lab[1].Join(lab.L2Conf(lab[1], Vni, extra));
        var b = lab[2].Join(lab.L2Conf(lab[2], Vni, extra));

        // The rule: underlay MTU (1500) - 50 for an IPv4 underlay, on the VXLAN device, bridge and both veth ends.
        foreach (var (h, c) in new[] { (lab[1], a), (lab[2], b) })
        {
            Assert.Equal(expected, (int?)VxlanLab.Link(h.Ns, Device)!["mtu"]);
            Assert.Equal(expected, (int?)VxlanLab.Link(h.Ns, Bridge)!["mtu"]);
            Assert.Equal(expected, (int?)VxlanLab.Link(c.Ns, "eth0")!["mtu"]);
            var port = VxlanLab.LinksOfKind(h.Ns, "veth").Single(n => n != "eth0");
            Assert.Equal(expected, (int?)VxlanLab.Link(h.Ns, port)!["mtu"]);
        }

        // An IP packet of exactly the MTU (payload + 20 IP + 8 ICMP) crosses the underlay unfragmented...
        Assert.True(VxlanLab.ReachesWithDf(a.Ns, b.Ip, expected - 28), $"{expected}-byte packet {a} -> {b}");
        Assert.True(VxlanLab.ReachesWithDf(b.Ns, a.Ip, expected - 28), $"{expected}-byte packet {b} -> {a}");

        // ...and one byte more with DF set does not.
        Assert.False(VxlanLab.ReachesWithDf(a.Ns, b.Ip, expected - 27), $"{expected + 1}-byte packet with DF {a} -> {b}");
    }

    [Fact]
    public void Dropping_a_peer_and_adding_again_removes_its_fdb_entry()
    {
        using var lab = new VxlanLab(hosts: 3);
        var ctrs = lab.Hosts.Select(h => h.Join(lab.L2Conf(h, Vni))).ToList();
        Assert.Equal([ZeroEntry(lab[2]), ZeroEntry(lab[3])], VxlanLab.FloodEntries(lab[1].Ns, Device));
        Assert.True(VxlanLab.Reaches(ctrs[0].Ns, ctrs[2].Ip));

        // Host 3 leaves the network: host 1's next ADD carries the shorter list.
        var late = lab[1].Join(lab.L2Conf(lab[1], Vni, peers: [lab[1], lab[2]]));
        Assert.Equal([ZeroEntry(lab[2])], VxlanLab.FloodEntries(lab[1].Ns, Device));

        // A newcomer's broadcast (its ARP) now reaches host 2 only.
        Assert.True(VxlanLab.Reaches(late.Ns, ctrs[1].Ip), $"{late} -> {ctrs[1]}");
        Assert.True(late.Ns.CannotPing(ctrs[2].Ip), $"{late} reached {ctrs[2]} on the dropped host");

        // Adding the peer back restores its entry.
        lab[1].Join(lab.L2Conf(lab[1], Vni));
        Assert.Equal([ZeroEntry(lab[2]), ZeroEntry(lab[3])], VxlanLab.FloodEntries(lab[1].Ns, Device));
    }

    [Fact]
    public void An_ipv6_underlay_carries_the_overlay_with_70_bytes_off_the_mtu()
    {
        using var lab = new VxlanLab(hosts: 2);
        var a = lab[1].Join(lab.L2Conf(lab[1], Vni, ipv6Underlay: true));
        var b = lab[2].Join(lab.L2Conf(lab[2], Vni, ipv6Underlay: true));
        foreach (var h in lab.Hosts)
        {
            var vx = VxlanLab.Link(h.Ns, Device)!;
            Assert.Equal(h.Ip6, (string?)vx["linkinfo"]!["info_data"]!["local6"]);
            Assert.Equal(1430, (int?)vx["mtu"]);
            var other = lab.Hosts.Single(o => o != h);
            Assert.Equal([$"00:00:00:00:00:00 {other.Ip6} self permanent"], VxlanLab.FloodEntries(h.Ns, Device));
        }

        Assert.Equal(1430, (int?)VxlanLab.Link(a.Ns, "eth0")!["mtu"]);
        Assert.True(VxlanLab.ReachesWithDf(a.Ns, b.Ip, 1430 - 28), $"1430-byte packet {a} -> {b}");
        Assert.True(VxlanLab.ReachesWithDf(b.Ns, a.Ip, 1430 - 28), $"1430-byte packet {b} -> {a}");
        Assert.False(VxlanLab.ReachesWithDf(a.Ns, b.Ip, 1430 - 27), $"1431-byte packet with DF {a} -> {b}");
    }

    [Fact]
    public void Multicast_group_mode_connects_two_hosts()
    {
        using var lab = new VxlanLab(hosts: 2);
        var a = lab[1].Join(lab.L2Conf(lab[1], Vni, group: "239.1.1.1"));
        var b = lab[2].Join(lab.L2Conf(lab[2], Vni, group: "239.1.1.1"));

        foreach (var h in lab.Hosts)
        {
            var data = VxlanLab.Link(h.Ns, Device)!["linkinfo"]!["info_data"]!;
            Assert.Equal("239.1.1.1", (string?)data["group"]);
            Assert.Equal("eth0", (string?)data["link"]);
            // No unicast peers: floods go to the group only (the kernel's default entry).
            Assert.Equal(["00:00:00:00:00:00 239.1.1.1 self permanent"], VxlanLab.FloodEntries(h.Ns, Device));
        }

        Assert.Empty(VxlanLab.Unreachable([(a, b.Ip), (b, a.Ip)]));
    }
}
