using CniPlugins.Conformance.Bridge;
using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>
/// l3 mode (flannel's vxlan backend without its daemon): host n owns 10.70.n.0/24 behind a local bridge; the VXLAN
/// device is routed, not bridged, with a route, a permanent neighbour and an FDB entry per peer.
/// </summary>
public sealed class VxlanL3Tests
{
    private const int Vni = 42;
    private const string Bridge = "vxbr42";
    private const string Device = "vxlan42";

    private static string Base(VxlanHost h) => $"10.70.{h.Index}.0";

    private static string[] ExpectedRoutes(IEnumerable<VxlanHost> peers) =>
        peers.Select(p => $"{p.L3Subnet} via {Base(p)} onlink").Order().ToArray();

    private static string[] ExpectedNeighbours(IEnumerable<VxlanHost> peers) =>
        peers.Select(p => $"{Base(p)} {VxlanLab.VtepMac(p.Ip)} PERMANENT").Order().ToArray();

    private static string[] ExpectedFdb(IEnumerable<VxlanHost> peers) =>
        peers.Select(p => $"{VxlanLab.VtepMac(p.Ip)} {p.Ip} self permanent").Order().ToArray();

    [Fact]
    public void Every_container_reaches_the_containers_of_the_other_hosts()
    {
        using var lab = new VxlanLab(hosts: 3);
        var ctrs = lab.Hosts.Select(h => h.Join(lab.L3Conf(h, Vni))).ToList();

        foreach (var h in lab.Hosts)
        {
            var others = lab.Hosts.Where(o => o != h).ToArray();
            var vx = VxlanLab.Link(h.Ns, Device)!;
            var data = vx["linkinfo"]!["info_data"]!;
            Assert.Equal(Vni, (int?)data["id"]);
            Assert.Equal(h.Ip, (string?)data["local"]);
            Assert.False((bool?)data["learning"]);
            Assert.Null(vx["master"]);
            Assert.Equal(VxlanLab.VtepMac(h.Ip), (string?)vx["address"]);
            Assert.Equal([$"{Base(h)}/32"], BridgeLab.Addresses(h.Ns, Device));
            Assert.Equal([$"10.70.{h.Index}.1/24"], BridgeLab.Addresses(h.Ns, Bridge));

            Assert.Equal(ExpectedRoutes(others), VxlanLab.RoutesVia(h.Ns, Device));
            Assert.Equal(ExpectedNeighbours(others), VxlanLab.Neighbours(h.Ns, Device));
            Assert.Equal(ExpectedFdb(others), VxlanLab.RemoteFdb(h.Ns, Device));
        }

        foreach (var c in ctrs)
        {
            Assert.StartsWith($"10.70.{c.Host.Index}.", c.Ip, StringComparison.Ordinal);
            string gw = $"10.70.{c.Host.Index}.1";
            var expected = lab.Hosts.Where(o => o != c.Host).Select(o => $"{o.L3Subnet} via {gw} dev eth0")
                .Append($"{c.Host.L3Subnet} via  dev eth0").Order();
            Assert.Equal(expected, BridgeLab.Routes(c.Ns));
        }

        var pairs = from a in ctrs from b in ctrs where a.Host != b.Host select (a, b.Ip);
        Assert.Empty(VxlanLab.Unreachable(pairs));
    }

    [Fact]
    public void A_forward_policy_of_drop_does_not_cut_the_overlay_and_the_rules_go_with_the_last_container()
    {
        using var lab = new VxlanLab(hosts: 2);
        foreach (var h in lab.Hosts)
        {
            // As on any host running Docker.
            h.Ns.Exec("iptables", "-P", "FORWARD", "DROP").EnsureSuccess("FORWARD DROP");
        }

        var a = lab[1].Join(lab.L3Conf(lab[1], Vni));
        var b = lab[2].Join(lab.L3Conf(lab[2], Vni));
        Assert.Empty(VxlanLab.Unreachable([(a, b.Ip), (b, a.Ip)]));

        string rules = lab[1].Ns.Exec("iptables", "-S", "FORWARD").EnsureSuccess("iptables -S").Stdout;
        Assert.Contains("-P FORWARD DROP", rules);
        Assert.Contains("-j CNI-VXLAN-FWD", rules);
        string chain = lab[1].Ns.Exec("iptables", "-S", "CNI-VXLAN-FWD").EnsureSuccess("iptables -S CNI-VXLAN-FWD").Stdout;
        Assert.Contains($"-i {Bridge}", chain);
        Assert.Contains($"-o {Bridge}", chain);

        var del = lab[1].Run(a.Call.As("DEL"), a.Conf);
        Assert.True(del.Success, del.ToString());
        Assert.DoesNotContain("CNI-VXLAN-FWD", lab[1].Ns.Exec("iptables-save", "-t", "filter").EnsureSuccess("iptables-save").Stdout);
        Assert.Contains("CNI-VXLAN-FWD", lab[2].Ns.Exec("iptables-save", "-t", "filter").EnsureSuccess("iptables-save").Stdout);
    }

    [Fact]
    public void A_ping_of_exactly_the_overlay_mtu_passes_and_one_byte_more_with_df_fails()
    {
        using var lab = new VxlanLab(hosts: 2);
        var a = lab[1].Join(lab.L3Conf(lab[1], Vni));
        var b = lab[2].Join(lab.L3Conf(lab[2], Vni));
        foreach (var (h, c) in new[] { (lab[1], a), (lab[2], b) })
        {
            Assert.Equal(1450, (int?)VxlanLab.Link(h.Ns, Device)!["mtu"]);
            Assert.Equal(1450, (int?)VxlanLab.Link(h.Ns, Bridge)!["mtu"]);
            Assert.Equal(1450, (int?)VxlanLab.Link(c.Ns, "eth0")!["mtu"]);
        }

        Assert.True(VxlanLab.ReachesWithDf(a.Ns, b.Ip, 1450 - 28), $"1450-byte packet {a} -> {b}");
        Assert.True(VxlanLab.ReachesWithDf(b.Ns, a.Ip, 1450 - 28), $"1450-byte packet {b} -> {a}");
        Assert.False(VxlanLab.ReachesWithDf(a.Ns, b.Ip, 1450 - 27), $"1451-byte packet with DF {a} -> {b}");
    }

    [Fact]
    public void Dropping_a_peer_and_adding_again_removes_its_route_neighbour_and_fdb_entry()
    {
        using var lab = new VxlanLab(hosts: 3);
        var ctrs = lab.Hosts.Select(h => h.Join(lab.L3Conf(h, Vni))).ToList();
        Assert.True(VxlanLab.Reaches(ctrs[0].Ns, ctrs[2].Ip));

        // Host 3 leaves: host 1's next ADD carries the list without it.
        var late = lab[1].Join(lab.L3Conf(lab[1], Vni, peers: [lab[1], lab[2]]));
        VxlanHost[] kept = [lab[2]];
        Assert.Equal(ExpectedRoutes(kept), VxlanLab.RoutesVia(lab[1].Ns, Device));
        Assert.Equal(ExpectedNeighbours(kept), VxlanLab.Neighbours(lab[1].Ns, Device));
        Assert.Equal(ExpectedFdb(kept), VxlanLab.RemoteFdb(lab[1].Ns, Device));
        Assert.Equal(["10.70.1.0/24 via  dev eth0", "10.70.2.0/24 via 10.70.1.1 dev eth0"], BridgeLab.Routes(late.Ns));

        // The path to host 3 is gone (the underlay does not route), the one to host 2 stays.
        Assert.True(ctrs[0].Ns.CannotPing(ctrs[2].Ip), $"{ctrs[0]} still reaches {ctrs[2]} on the dropped host");
        Assert.True(VxlanLab.Reaches(late.Ns, ctrs[1].Ip), $"{late} -> {ctrs[1]}");

        // Back in the list, back in the kernel.
        lab[1].Join(lab.L3Conf(lab[1], Vni));
        VxlanHost[] all = [lab[2], lab[3]];
        Assert.Equal(ExpectedRoutes(all), VxlanLab.RoutesVia(lab[1].Ns, Device));
        Assert.Equal(ExpectedNeighbours(all), VxlanLab.Neighbours(lab[1].Ns, Device));
        Assert.Equal(ExpectedFdb(all), VxlanLab.RemoteFdb(lab[1].Ns, Device));
        Assert.True(VxlanLab.Reaches(ctrs[0].Ns, ctrs[2].Ip));
    }
}
