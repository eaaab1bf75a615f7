using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>Every rtnetlink request the core sends, byte for byte, and how replies and errors are read back.</summary>
public sealed class RtnlRequestTests
{
    private readonly FakeTransport _kernel = new();

    private RtnlHandle Handle() => new(_kernel, initialSeq: 100); // first request carries seq 101 (0x65)

    private byte[] Only() => Assert.Single(_kernel.Sent);

    [Fact]
    public void Link_set_up_down_master_name_del()
    {
        using var h = Handle();
        h.LinkSetUp(5);
        h.LinkSetDown(5);
        h.LinkSetMaster(5, 3);
        h.LinkSetName(5, "eth1");
        h.LinkDel(5);
        Assert.Equal(FakeTransport.Hex("20000000 1000 0500 65000000 00000000  00 00 0000 05000000 01000000 01000000"), _kernel.Sent[0]);
        Assert.Equal(FakeTransport.Hex("20000000 1000 0500 66000000 00000000  00 00 0000 05000000 00000000 01000000"), _kernel.Sent[1]);
        Assert.Equal(FakeTransport.Hex("28000000 1000 0500 67000000 00000000  00 00 0000 05000000 00000000 00000000  0800 0a00 03000000"), _kernel.Sent[2]);
        Assert.Equal(FakeTransport.Hex("2c000000 1000 0500 68000000 00000000  00 00 0000 05000000 00000000 00000000  0900 0300 65746831 00000000"), _kernel.Sent[3]);
        Assert.Equal(FakeTransport.Hex("20000000 1100 0500 69000000 00000000  00 00 0000 05000000 00000000 00000000"), _kernel.Sent[4]);
    }

    [Fact]
    public void Veth_with_the_peer_created_in_another_namespace()
    {
        using var h = Handle();
        h.VethAdd("eth0", "vethabcd1234", 1400, [2, 0, 0, 0, 0, 1], peerNetnsFd: 9);
        Assert.Equal(FakeTransport.Hex("""
            88000000 1000 0506 65000000 00000000   RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
            00 00 0000 00000000 00000000 00000000
            0900 0300 65746830 00000000            IFLA_IFNAME eth0
            0800 0400 78050000                     IFLA_MTU 1400
            0a00 0100 020000000001 0000            IFLA_ADDRESS
            4800 1200                              IFLA_LINKINFO (72)
              0800 0100 76657468                   IFLA_INFO_KIND veth
              3c00 0200                            IFLA_INFO_DATA (60)
                3800 0100                          VETH_INFO_PEER (56)
                  00 00 0000 00000000 00000000 00000000   ifinfomsg of the peer
                  1100 0300 76657468616263643132333400 000000   IFLA_IFNAME vethabcd1234
                  0800 0400 78050000               IFLA_MTU
                  0800 1c00 09000000               IFLA_NET_NS_FD 9
            """), Only());
    }

    [Fact]
    public void Bridge_with_vlan_filtering_and_port_settings()
    {
        using var h = Handle();
        h.BridgeAdd("cni0", 0, vlanFiltering: true);
        h.BridgePortSetHairpin(6, true);
        h.BridgeVlanAdd(6, 42, pvid: true, untagged: true);
        Assert.Equal(FakeTransport.Hex("""
            48000000 1000 0506 65000000 00000000
            00 00 0000 00000000 00000000 00000000
            0900 0300 636e6930 00000000            IFLA_IFNAME cni0
            1c00 1200                              IFLA_LINKINFO
              0a00 0100 6272696467650000           IFLA_INFO_KIND bridge
              0c00 0200 0500 0700 01000000         IFLA_INFO_DATA { IFLA_BR_VLAN_FILTERING 1 }
            """), _kernel.Sent[0]);
        Assert.Equal(FakeTransport.Hex("""
            2c000000 1300 0500 66000000 00000000   RTM_SETLINK
            07 00 0000 06000000 00000000 00000000  AF_BRIDGE, port 6
            0c00 0c80 0500 0400 01000000           IFLA_PROTINFO|NLA_F_NESTED { IFLA_BRPORT_MODE 1 }
            """), _kernel.Sent[1]);
        Assert.Equal(FakeTransport.Hex("""
            34000000 1300 0500 67000000 00000000
            07 00 0000 06000000 00000000 00000000
            1400 1a00                              IFLA_AF_SPEC
              0600 0000 0100 0000                  IFLA_BRIDGE_FLAGS MASTER
              0800 0200 0600 2a00                  IFLA_BRIDGE_VLAN_INFO { PVID|UNTAGGED, vid 42 }
            """), _kernel.Sent[2]);
    }

    [Fact]
    public void Macvlan_into_a_namespace()
    {
        using var h = Handle();
        h.MacvlanAdd("veth01020304", parentIndex: 2, Rtnl.MACVLAN_MODE_BRIDGE, mtu: 0, mac: null, netnsFd: 7);
        Assert.Equal(FakeTransport.Hex("""
            60000000 1000 0506 65000000 00000000
            00 00 0000 00000000 00000000 00000000
            1100 0300 76657468303130323033303400 000000   IFLA_IFNAME
            0800 0500 02000000                     IFLA_LINK 2
            0800 1c00 07000000                     IFLA_NET_NS_FD 7
            1c00 1200                              IFLA_LINKINFO
              0b00 0100 6d6163766c616e00           IFLA_INFO_KIND macvlan
              0c00 0200 0800 0100 04000000         IFLA_INFO_DATA { IFLA_MACVLAN_MODE bridge }
            """), Only());
    }

    [Fact]
    public void Addresses_v4_with_broadcast_and_v6()
    {
        using var h = Handle();
        h.AddrAdd(4, CidrAddress.Parse("10.1.2.3/24"));
        h.AddrAdd(4, CidrAddress.Parse("fd00::2/64"));
        Assert.Equal(FakeTransport.Hex("""
            30000000 1400 0506 65000000 00000000   RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            02 18 00 00 04000000                   AF_INET /24 index 4
            0800 0200 0a010203                     IFA_LOCAL
            0800 0100 0a010203                     IFA_ADDRESS
            0800 0400 0a0102ff                     IFA_BROADCAST
            """), _kernel.Sent[0]);
        Assert.Equal(FakeTransport.Hex("""
            40000000 1400 0506 66000000 00000000
            0a 40 00 00 04000000
            1400 0200 fd000000000000000000000000000002
            1400 0100 fd000000000000000000000000000002
            """), _kernel.Sent[1]);
    }

    [Fact]
    public void Route_with_gateway_interface_and_metrics()
    {
        using var h = Handle();
        h.RouteAdd(new RouteEntry { Dst = CidrAddress.Parse("10.9.1.1/16"), Gateway = IPAddress.Parse("10.1.0.1"), OutputIndex = 4, Mtu = 1300 });
        Assert.Equal(FakeTransport.Hex("""
            40000000 1800 0506 65000000 00000000   RTM_NEWROUTE
            02 10 00 00 fe 03 00 01 00000000       AF_INET /16, main table, boot, universe, unicast
            0800 0100 0a090000                     RTA_DST (host bits cleared)
            0800 0500 0a010001                     RTA_GATEWAY
            0800 0400 04000000                     RTA_OIF
            0c00 0800 0800 0200 14050000           RTA_METRICS { RTAX_MTU 1300 }
            """), Only());
    }

    [Fact]
    public void Fdb_append_for_a_remote_vtep()
    {
        using var h = Handle();
        h.NeighSet(new Neigh
        {
            Family = Rtnl.AF_BRIDGE,
            LinkIndex = 8,
            State = Rtnl.NUD_PERMANENT,
            Flags = Rtnl.NTF_SELF,
            HardwareAddr = new byte[6],
            Ip = IPAddress.Parse("192.0.2.7"),
        }, append: true);
        Assert.Equal(FakeTransport.Hex("""
            30000000 1c00 050c 65000000 00000000   RTM_NEWNEIGH, REQUEST|ACK|CREATE|APPEND
            07 000000 08000000 8000 02 00          AF_BRIDGE, index 8, PERMANENT, SELF
            0a00 0200 000000000000 0000            NDA_LLADDR 00:00:00:00:00:00
            0800 0100 c0000207                     NDA_DST
            """), Only());
    }

    [Fact]
    public void Link_lookup_reads_the_reply_then_the_ack()
    {
        _kernel.Reply = req => [FakeTransport.Concat(
            FakeTransport.Message(Rtnl.RTM_NEWLINK, 0, FakeTransport.Seq(req), FakeTransport.Hex("""
                00 00 0100 03000000 43100100 00000000  index 3, flags UP|RUNNING|LOWER_UP...
                0900 0300 65746830 00000000             IFLA_IFNAME eth0
                0800 0400 dc050000                      IFLA_MTU 1500
                0a00 0100 020000000002 0000             IFLA_ADDRESS
                0800 0a00 02000000                      IFLA_MASTER 2
                0800 0500 0b000000                      IFLA_LINK 11 (the veth peer)
                0500 1000 06000000                      IFLA_OPERSTATE UP
                1000 1200 0900 0100 7665746800000000    IFLA_LINKINFO { KIND veth }
                """)),
            FakeTransport.Ack(FakeTransport.Seq(req)))];
        using var h = Handle();
        var link = h.GetLinkByName("eth0");
        Assert.Equal(FakeTransport.Hex("2c000000 1200 0500 65000000 00000000  00 00 0000 00000000 00000000 00000000  0900 0300 65746830 00000000"), Only());
        Assert.Equal((3, "eth0", 1500, "02:00:00:00:00:02", 2, 11, "veth"), (link.Index, link.Name, link.Mtu, link.Mac, link.MasterIndex, link.ParentIndex, link.Kind));
        Assert.True(link.IsUp);
        Assert.Equal(Rtnl.IF_OPER_UP, link.OperState);
    }

    [Fact]
    public void A_refusal_carries_errno_and_the_kernels_extended_ack()
    {
        _kernel.Reply = req => [FakeTransport.Message(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED | Rtnl.NLM_F_ACK_TLVS, FakeTransport.Seq(req),
            FakeTransport.Hex("edffffff"), req[..16], FakeTransport.Hex("1300 0100 6c696e6b206e6f7420666f756e6400 00"))];
        using var h = Handle();
        var e = Assert.Throws<NetlinkException>(() => h.LinkSetUp(99));
        Assert.Equal(19, e.Errno);
        Assert.True(e.IsNotFound);
        Assert.Equal("link not found", e.ExtAck);
        Assert.Contains("(link not found)", e.Message);

        _kernel.Reply = req => [FakeTransport.Message(Rtnl.NLMSG_ERROR, 0, FakeTransport.Seq(req), FakeTransport.Hex("edffffff"), req)];
        Assert.Null(h.TryGetLinkByName("nope"));
    }

    [Fact]
    public void An_interrupted_dump_is_retried_five_times_then_taken_as_it_is()
    {
        byte[] link = FakeTransport.Hex("00 00 0000 01000000 00000000 00000000  0700 0300 6c6f0000");
        _kernel.Reply = req => [FakeTransport.Concat(
            FakeTransport.Message(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_MULTI | Rtnl.NLM_F_DUMP_INTR, FakeTransport.Seq(req), link),
            FakeTransport.Done(FakeTransport.Seq(req)))];
        using var h = Handle();
        var links = h.LinkList();
        Assert.Equal(5, _kernel.Sent.Count);
        Assert.Equal("lo", Assert.Single(links).Name);
        Assert.Equal(_kernel.Sent.Select(FakeTransport.Seq).Distinct().Count(), _kernel.Sent.Count); // a new seq per attempt
    }

    [Fact]
    public void A_dump_skips_late_replies_to_earlier_requests()
    {
        byte[] addr = FakeTransport.Hex("02 18 00 00 04000000  0800 0200 0a010203");
        _kernel.Reply = req => [
            FakeTransport.Message(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_MULTI, FakeTransport.Seq(req) - 1, addr),
            FakeTransport.Concat(
                FakeTransport.Message(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_MULTI, FakeTransport.Seq(req), addr),
                FakeTransport.Done(FakeTransport.Seq(req)))];
        using var h = Handle();
        var a = Assert.Single(h.AddrList());
        Assert.Equal("10.1.2.3/24", a.Address.ToString());
        Assert.Equal(4, a.LinkIndex);
    }

    /// <summary>Bytes captured with strace -xx from "ip -n NS link set lo up"; only the sequence number is ours.</summary>
    [Fact]
    public void Link_set_up_matches_iproute2()
    {
        using var h = new RtnlHandle(_kernel, 1795885760);
        h.LinkSetUp(1);
        Assert.Equal(FakeTransport.Hex("""
            20 00 00 00 10 00 05 00 c1 0a 0b 6b 00 00 00 00
            00 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00
            """), Only());
    }

    /// <summary>Captured from "ip -n NS addr add 10.1.2.5/24 brd + dev lo".</summary>
    [Fact]
    public void Addr_add_matches_iproute2()
    {
        using var h = new RtnlHandle(_kernel, 1795885760);
        h.AddrAdd(1, CidrAddress.Parse("10.1.2.5/24"));
        Assert.Equal(FakeTransport.Hex("""
            30 00 00 00 14 00 05 06 c1 0a 0b 6b 00 00 00 00
            02 18 00 00 01 00 00 00 08 00 02 00 0a 01 02 05
            08 00 01 00 0a 01 02 05 08 00 04 00 0a 01 02 ff
            """), Only());
    }
}
