using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>CHECK covers the peers' entries, not only the container: a lost FDB entry is reported, and the next ADD heals it.</summary>
public sealed class VxlanCheckTests
{
    private const int Vni = 42;

    private static string WithPrev(string conf, string result) => conf[..^1] + ",\"prevResult\":" + result + "}";

    [Theory]
    [InlineData("l2")]
    [InlineData("l3")]
    public void Check_passes_after_add_and_fails_once_a_peer_fdb_entry_is_deleted(string mode)
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        string conf = mode == "l2" ? lab.L2Conf(h, Vni) : lab.L3Conf(h, Vni);
        var c = h.Join(conf);
        string check = WithPrev(conf, c.Added.Stdout);

        var ok = h.Run(c.Call.As("CHECK"), check);
        Assert.True(ok.Success, ok.ToString());
        Assert.Equal("", ok.Stdout);

        // The entry that sends the peer its traffic: the flood entry in l2, the VTEP's MAC in l3.
        string mac = mode == "l2" ? "00:00:00:00:00:00" : VxlanLab.VtepMac(lab[2].Ip);
        string entry = $"{mac} {lab[2].Ip} self permanent";
        Assert.Contains(entry, VxlanLab.RemoteFdb(h.Ns, "vxlan42"));
        h.Ns.Exec("bridge", "fdb", "del", mac, "dev", "vxlan42", "dst", lab[2].Ip, "self").EnsureSuccess("fdb del");
        Assert.DoesNotContain(entry, VxlanLab.RemoteFdb(h.Ns, "vxlan42"));

        var bad = h.Run(c.Call.As("CHECK"), check);
        Assert.False(bad.Success, bad.ToString());
        Assert.False(string.IsNullOrWhiteSpace(bad.ErrorMessage), bad.ToString());

        // The next ADD on the host reconciles the peers, after which CHECK passes again.
        h.Join(conf);
        Assert.Contains(entry, VxlanLab.RemoteFdb(h.Ns, "vxlan42"));
        var healed = h.Run(c.Call.As("CHECK"), check);
        Assert.True(healed.Success, healed.ToString());
    }

    [Fact]
    public void Check_fails_when_the_anycast_gateway_filter_is_gone()
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        string conf = lab.L2Conf(h, Vni);
        var c = h.Join(conf);
        string check = WithPrev(conf, c.Added.Stdout);
        Assert.True(h.Run(c.Call.As("CHECK"), check).Success);
        h.Ns.Exec("nft", "delete", "table", "bridge", VxlanL2Tests.GatewayTable).EnsureSuccess("nft delete table");
        var bad = h.Run(c.Call.As("CHECK"), check);
        Assert.False(bad.Success, bad.ToString());
    }

    [Fact]
    public void Check_fails_when_the_container_veth_is_gone()
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        string conf = lab.L2Conf(h, Vni);
        var c = h.Join(conf);
        c.Ns.Ip("link", "del", "eth0").EnsureSuccess("del veth");
        var bad = h.Run(c.Call.As("CHECK"), WithPrev(conf, c.Added.Stdout));
        Assert.False(bad.Success, bad.ToString());
    }
}
