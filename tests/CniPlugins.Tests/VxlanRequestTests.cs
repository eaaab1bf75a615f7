using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// The requests the overlay needs (VXLAN link, FDB, permanent neighbours, onlink routes, route lookup) against
/// what iproute2 6.1 sends for the same command: bytes captured with <c>strace -e trace=sendmsg,sendto -e write=all</c>
/// inside a scratch namespace whose underlay veth had index 3 and VXLAN device index 10. Each handle starts one
/// below the captured sequence number, so the whole message, header included, has to match.
/// </summary>
public sealed class VxlanRequestTests
{
    private readonly FakeTransport _kernel = new();

    private byte[] Only() => Assert.Single(_kernel.Sent);

    private RtnlHandle HandleSending(uint capturedSeq) => new(_kernel, capturedSeq - 1);

    /// <summary>ip link add vxlan100 type vxlan id 100 dstport 4789 local 192.0.2.1 dev u0 nolearning ttl 5 group 239.1.1.1</summary>
    [Fact]
    public void Vxlan_v4_with_underlay_ttl_and_group_matches_iproute2()
    {
        using var h = HandleSending(0x6b100082);
        h.VxlanAdd(new VxlanSpec
        {
            Name = "vxlan100", Vni = 100, Port = 4789, Local = IPAddress.Parse("192.0.2.1"), UnderlayIndex = 3,
            Learning = false, Ttl = 5, Group = IPAddress.Parse("239.1.1.1"),
        });
        Assert.Equal(FakeTransport.Hex("""
            7c 00 00 00 10 00 05 06  82 00 10 6b 00 00 00 00   RTM_NEWLINK REQUEST|ACK|EXCL|CREATE
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   ifinfomsg
            0d 00 03 00 76 78 6c 61  6e 31 30 30 00 00 00 00   IFLA_IFNAME vxlan100
            4c 00 12 00 09 00 01 00  76 78 6c 61 6e 00 00 00   IFLA_LINKINFO { IFLA_INFO_KIND vxlan (no NUL)
            3c 00 02 00 08 00 03 00  03 00 00 00 05 00 05 00   IFLA_INFO_DATA { LINK 3, TTL
            05 00 00 00 08 00 01 00  64 00 00 00 08 00 04 00   5, ID 100, LOCAL
            c0 00 02 01 08 00 02 00  ef 01 01 01 05 00 07 00   192.0.2.1, GROUP 239.1.1.1, LEARNING
            00 00 00 00 06 00 0f 00  12 b5 00 00               0, PORT 4789 big-endian }}
            """), Only());
    }

    /// <summary>ip link add vxlan6 type vxlan id 200 dstport 4789 local 2001:db8::1 dev u0 ttl 8 group ff05::100</summary>
    [Fact]
    public void Vxlan_v6_local_and_group_go_in_their_own_attributes_matching_iproute2()
    {
        using var h = HandleSending(0x6b100082);
        h.VxlanAdd(new VxlanSpec
        {
            Name = "vxlan6", Vni = 200, Local = IPAddress.Parse("2001:db8::1"), UnderlayIndex = 3, Ttl = 8,
            Group = IPAddress.Parse("ff05::100"),
        });
        Assert.Equal(FakeTransport.Hex("""
            90 00 00 00 10 00 05 06  82 00 10 6b 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            0b 00 03 00 76 78 6c 61  6e 36 00 00 64 00 12 00   IFLA_IFNAME vxlan6, IFLA_LINKINFO
            09 00 01 00 76 78 6c 61  6e 00 00 00 54 00 02 00
            08 00 03 00 03 00 00 00  05 00 05 00 08 00 00 00   LINK 3, TTL 8
            08 00 01 00 c8 00 00 00  14 00 11 00 20 01 0d b8   ID 200, LOCAL6
            00 00 00 00 00 00 00 00  00 00 00 01 14 00 10 00   GROUP6
            ff 05 00 00 00 00 00 00  00 00 00 00 00 00 01 00
            05 00 07 00 01 00 00 00  06 00 0f 00 12 b5 00 00   LEARNING 1 (the default, sent anyway), PORT
            """), Only());
    }

    /// <summary>ip link add vxlan7 mtu 1400 address 0a:58:c0:00:02:01 type vxlan id 7 dstport 4789 local 192.0.2.1 nolearning</summary>
    [Fact]
    public void Vxlan_with_mtu_and_mac_puts_them_before_the_name_as_iproute2_does()
    {
        using var h = HandleSending(0x6b100082);
        h.VxlanAdd(new VxlanSpec
        {
            Name = "vxlan7", Vni = 7, Local = IPAddress.Parse("192.0.2.1"), Learning = false, Mtu = 1400,
            HardwareAddr = Mac("0a:58:c0:00:02:01"),
        });
        Assert.Equal(FakeTransport.Hex("""
            74 00 00 00 10 00 05 06  82 00 10 6b 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            08 00 04 00 78 05 00 00  0a 00 01 00 0a 58 c0 00   IFLA_MTU 1400, IFLA_ADDRESS
            02 01 00 00 0b 00 03 00  76 78 6c 61 6e 37 00 00   IFLA_IFNAME vxlan7
            34 00 12 00 09 00 01 00  76 78 6c 61 6e 00 00 00
            24 00 02 00 08 00 01 00  07 00 00 00 08 00 04 00   no LINK, no TTL: ID 7, LOCAL
            c0 00 02 01 05 00 07 00  00 00 00 00 06 00 0f 00
            12 b5 00 00
            """), Only());
    }

    /// <summary>
    /// IFLA_LINKINFO of "vxlan6" as the kernel reported it to <c>ip -d link show</c> (id 200, group ff05::100,
    /// dev index 3, local 2001:db8::1, ttl 8, nolearning, dstport 4789), with the attributes the decoder skips.
    /// </summary>
    [Fact]
    public void Vxlan_info_decodes_a_kernel_reply_at_each_attributes_width_and_byte_order()
    {
        byte[] linkInfo = FakeTransport.Hex("""
            0801 1200 0a00 0100 76786c616e000000   IFLA_LINKINFO, IFLA_INFO_KIND "vxlan\0"
            f800 0200                              IFLA_INFO_DATA
            0800 0100 c8000000                     ID 200
            1400 1000 ff050000000000000000000000000100   GROUP6
            0800 0300 03000000                     LINK 3
            1400 1100 20010db8000000000000000000000001   LOCAL6
            0500 0500 08000000                     TTL 8
            0500 1c00 00000000 0500 0600 00000000 0500 1d00 00000000 0800 1a00 00000000 0800 2000 00000000
            0500 0700 00000000                     LEARNING 0
            0500 0b00 00000000 0500 0c00 00000000 0500 0d00 00000000 0500 0e00 00000000 0500 1900 00000000
            0800 0800 2c010000 0800 0900 00000000  AGEING 300, LIMIT 0
            0600 0f00 12b50000                     PORT 4789
            0500 1200 01000000 0500 1300 00000000 0500 1400 00000000 0500 1500 00000000 0500 1600 00000000
            0500 1f00 01000000 0800 0a00 00000000 0c00 2100 f7ffffff000000ff
            """);
        var link = ParseLink(linkInfo);
        var info = VxlanInfo.FromLink(link)!;
        Assert.Equal((200u, (ushort)4789, 3, (byte)8, false), (info.Vni, info.Port, info.UnderlayIndex, info.Ttl, info.Learning));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), info.Local);
        Assert.Equal(IPAddress.Parse("ff05::100"), info.Group);
    }

    [Fact]
    public void Vxlan_info_v4_and_a_wrong_width_is_refused()
    {
        byte[] data = FakeTransport.Hex("""
            0800 0100 ffffff00    ID 16777215 (host order)
            0800 0400 c0000201    LOCAL 192.0.2.1
            0800 0200 ef010101    GROUP 239.1.1.1
            0500 0700 01000000    LEARNING 1
            0600 0f00 12b60000    PORT 4790: big-endian, 0xb612 if read little-endian
            """);
        var info = VxlanInfo.Parse(data);
        Assert.Equal((16777215u, (ushort)4790, 0, (byte)0, true), (info.Vni, info.Port, info.UnderlayIndex, info.Ttl, info.Learning));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), info.Local);
        Assert.Equal(IPAddress.Parse("239.1.1.1"), info.Group);

        Assert.Contains("attribute 4 is 16 bytes", Assert.Throws<InvalidDataException>(() => VxlanInfo.Parse(FakeTransport.Hex("""
            0800 0100 64000000
            1400 0400 20010db8000000000000000000000001   an IPv6 address in the IPv4 LOCAL
            0600 0f00 12b50000
            """))).Message);
        Assert.Contains("attribute 15 is 4 bytes", Assert.Throws<InvalidDataException>(() =>
            VxlanInfo.Parse(FakeTransport.Hex("0800 0100 64000000 0800 0f00 12b50000"))).Message);
        Assert.Contains("IFLA_VXLAN_ID", Assert.Throws<InvalidDataException>(() =>
            VxlanInfo.Parse(FakeTransport.Hex("0600 0f00 12b50000"))).Message);
        Assert.Throws<InvalidDataException>(() => VxlanInfo.Parse(FakeTransport.Hex("0800 0100 6400"))); // truncated attribute
        Assert.Null(VxlanInfo.FromLink(new Link { Kind = "bridge", InfoData = data }));
    }

    /// <summary>bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 192.0.2.2</summary>
    [Fact]
    public void Fdb_append_all_zero_entry_matches_iproute2()
    {
        using var h = HandleSending(0x6b100093);
        h.FdbAppend(new FdbEntry { LinkIndex = 10, Dst = IPAddress.Parse("192.0.2.2") });
        Assert.Equal(FakeTransport.Hex("""
            30 00 00 00 1c 00 05 0c  93 00 10 6b 00 00 00 00   RTM_NEWNEIGH REQUEST|ACK|CREATE|APPEND
            07 00 00 00 0a 00 00 00  c0 00 02 00 0a 00 02 00   AF_BRIDGE, index 10, NOARP|PERMANENT, SELF; NDA_LLADDR
            00 00 00 00 00 00 00 00  08 00 01 00 c0 00 02 02   NDA_DST 192.0.2.2
            """), Only());
    }

    /// <summary>bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 192.0.2.3 port 4790 vni 200 via u0</summary>
    [Fact]
    public void Fdb_append_with_port_vni_and_via_matches_iproute2()
    {
        using var h = HandleSending(0x6b100093);
        h.FdbAppend(new FdbEntry { LinkIndex = 10, Dst = IPAddress.Parse("192.0.2.3"), Port = 4790, Vni = 200, ViaIndex = 3 });
        Assert.Equal(FakeTransport.Hex("""
            48 00 00 00 1c 00 05 0c  93 00 10 6b 00 00 00 00
            07 00 00 00 0a 00 00 00  c0 00 02 00 0a 00 02 00
            00 00 00 00 00 00 00 00  08 00 01 00 c0 00 02 03
            06 00 06 00 12 b6 00 00  08 00 07 00 c8 00 00 00   NDA_PORT 4790 big-endian, NDA_VNI 200 host order
            08 00 08 00 03 00 00 00                            NDA_IFINDEX 3
            """), Only());
    }

    /// <summary>bridge fdb replace 0a:58:c0:00:02:02 dev vxlan100 dst 192.0.2.2, then bridge fdb del 00:00:00:00:00:00 dev vxlan100 dst 192.0.2.2</summary>
    [Fact]
    public void Fdb_replace_and_delete_match_iproute2()
    {
        using var h = HandleSending(0x6b100093);
        h.FdbReplace(new FdbEntry { LinkIndex = 10, Mac = Mac("0a:58:c0:00:02:02"), Dst = IPAddress.Parse("192.0.2.2") });
        using var h2 = HandleSending(0x6b100093);
        h2.FdbDel(new FdbEntry { LinkIndex = 10, Dst = IPAddress.Parse("192.0.2.2") });
        Assert.Equal(FakeTransport.Hex("""
            30 00 00 00 1c 00 05 05  93 00 10 6b 00 00 00 00   REQUEST|ACK|REPLACE|CREATE
            07 00 00 00 0a 00 00 00  c0 00 02 00 0a 00 02 00
            0a 58 c0 00 02 02 00 00  08 00 01 00 c0 00 02 02
            """), _kernel.Sent[0]);
        Assert.Equal(FakeTransport.Hex("""
            30 00 00 00 1d 00 05 00  93 00 10 6b 00 00 00 00   RTM_DELNEIGH REQUEST|ACK
            07 00 00 00 0a 00 00 00  c0 00 02 00 0a 00 02 00
            00 00 00 00 00 00 00 00  08 00 01 00 c0 00 02 02
            """), _kernel.Sent[1]);
    }

    /// <summary>bridge fdb show dev vxlan100 (the first 28 bytes of what it sends are the message).</summary>
    [Fact]
    public void Fdb_list_of_one_device_matches_iproute2_and_decodes_every_attribute()
    {
        _kernel.Reply = req => [FakeTransport.Concat(
            FakeTransport.Message(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_MULTI, FakeTransport.Seq(req), FakeTransport.Hex("""
                07 000000 0a000000 c000 02 00          AF_BRIDGE, index 10
                0a00 0200 000000000000 0000            NDA_LLADDR all zero
                1400 0100 20010db8000000000000000000000002   NDA_DST v6
                0600 0600 12b6 0000                    NDA_PORT 4790
                0800 0700 c8000000                     NDA_VNI 200
                0800 0800 03000000                     NDA_IFINDEX 3
                """)),
            FakeTransport.Message(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_MULTI, FakeTransport.Seq(req), FakeTransport.Hex("""
                07 000000 0a000000 c000 02 00
                0a00 0200 0a58c0000202 0000
                0800 0100 c0000202                     NDA_DST v4, no port/vni/via: the device's own
                """)),
            FakeTransport.Message(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_MULTI, FakeTransport.Seq(req), FakeTransport.Hex("""
                07 000000 03000000 8000 02 00          another device's entry (a kernel without strict filtering)
                0a00 0200 333300000001 0000
                """)),
            FakeTransport.Done(FakeTransport.Seq(req)))];
        using var h = HandleSending(0x6b100098);
        var entries = h.FdbList(10);
        Assert.Equal(FakeTransport.Hex("""
            1c 00 00 00 1e 00 01 03  98 00 10 6b 00 00 00 00   RTM_GETNEIGH REQUEST|DUMP
            07 00 00 00 0a 00 00 00  00 00 00 00               AF_BRIDGE, index 10
            """), Only());
        Assert.Equal(2, entries.Count);
        var zero = entries[0];
        Assert.True(zero.IsAllZeroMac);
        Assert.Equal((IPAddress.Parse("2001:db8::2"), (ushort)4790, (uint?)200u, 3), (zero.Dst, zero.Port, zero.Vni, zero.ViaIndex));
        Assert.Equal((10, (ushort)0xc0, Rtnl.NTF_SELF), (zero.LinkIndex, zero.State, zero.Flags));
        var vtep = entries[1];
        Assert.False(vtep.IsAllZeroMac);
        Assert.Equal(("0a:58:c0:00:02:02", IPAddress.Parse("192.0.2.2"), (ushort)0, (uint?)null, 0),
            (MacAddress.Format(vtep.Mac), vtep.Dst, vtep.Port, vtep.Vni, vtep.ViaIndex));
    }

    [Fact]
    public void Fdb_reply_attribute_of_the_wrong_width_is_refused()
    {
        _kernel.Reply = req => [FakeTransport.Concat(
            FakeTransport.Message(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_MULTI, FakeTransport.Seq(req), FakeTransport.Hex("""
                07 000000 0a000000 c000 02 00
                0800 0600 000012b6                     NDA_PORT as 4 bytes
                """)),
            FakeTransport.Done(FakeTransport.Seq(req)))];
        using var h = HandleSending(1);
        Assert.Contains("attribute 6 is 4 bytes", Assert.Throws<InvalidDataException>(() => h.FdbList(10)).Message);
    }

    /// <summary>ip neigh replace 10.244.2.0 lladdr 0a:58:c0:00:02:02 dev vxlan100 nud permanent, and the same for fd00:2::</summary>
    [Fact]
    public void Permanent_neighbour_replace_matches_iproute2()
    {
        using var h = HandleSending(0x6b10009e);
        h.NeighReplace(new Neigh
        {
            Family = Rtnl.AF_INET, LinkIndex = 10, State = Rtnl.NUD_PERMANENT, Ip = IPAddress.Parse("10.244.2.0"),
            HardwareAddr = Mac("0a:58:c0:00:02:02"),
        });
        using var h6 = HandleSending(0x6b10009e);
        h6.NeighReplace(new Neigh
        {
            Family = Rtnl.AF_INET6, LinkIndex = 10, State = Rtnl.NUD_PERMANENT, Ip = IPAddress.Parse("fd00:2::"),
            HardwareAddr = Mac("0a:58:c0:00:02:02"),
        });
        Assert.Equal(FakeTransport.Hex("""
            30 00 00 00 1c 00 05 05  9e 00 10 6b 00 00 00 00   RTM_NEWNEIGH REQUEST|ACK|REPLACE|CREATE
            02 00 00 00 0a 00 00 00  80 00 00 00 08 00 01 00   AF_INET, index 10, PERMANENT; NDA_DST first
            0a f4 02 00 0a 00 02 00  0a 58 c0 00 02 02 00 00   then NDA_LLADDR
            """), _kernel.Sent[0]);
        Assert.Equal(FakeTransport.Hex("""
            3c 00 00 00 1c 00 05 05  9e 00 10 6b 00 00 00 00
            0a 00 00 00 0a 00 00 00  80 00 00 00 14 00 01 00
            fd 00 00 02 00 00 00 00  00 00 00 00 00 00 00 00
            0a 00 02 00 0a 58 c0 00  02 02 00 00
            """), _kernel.Sent[1]);
    }

    /// <summary>ip neigh del 10.244.2.0 dev vxlan100: the existing NeighDel already sends these bytes.</summary>
    [Fact]
    public void Neighbour_delete_matches_iproute2()
    {
        using var h = HandleSending(0x6b1000dc);
        h.NeighDel(new Neigh { Family = Rtnl.AF_INET, LinkIndex = 10, State = Rtnl.NUD_PERMANENT, Ip = IPAddress.Parse("10.244.2.0") });
        Assert.Equal(FakeTransport.Hex("""
            24 00 00 00 1d 00 05 00  dc 00 10 6b 00 00 00 00
            02 00 00 00 0a 00 00 00  80 00 00 00 08 00 01 00
            0a f4 02 00
            """), Only());
    }

    /// <summary>ip route replace 10.244.2.0/24 via 10.244.2.0 dev vxlan100 onlink (and fd00:2::/64 via fd00:2::)</summary>
    [Fact]
    public void Onlink_route_replace_matches_iproute2()
    {
        using var h = HandleSending(0x6b1000b4);
        h.RouteReplace(new RouteEntry
        {
            Dst = CidrAddress.Parse("10.244.2.0/24"), Gateway = IPAddress.Parse("10.244.2.0"), OutputIndex = 10,
            Flags = Rtnl.RTNH_F_ONLINK,
        });
        using var h6 = HandleSending(0x6b10009d);
        h6.RouteReplace(new RouteEntry
        {
            Dst = CidrAddress.Parse("fd00:2::/64"), Gateway = IPAddress.Parse("fd00:2::"), OutputIndex = 10,
            Flags = Rtnl.RTNH_F_ONLINK,
        });
        Assert.Equal(FakeTransport.Hex("""
            34 00 00 00 18 00 05 05  b4 00 10 6b 00 00 00 00   RTM_NEWROUTE REQUEST|ACK|REPLACE|CREATE
            02 18 00 00 fe 03 00 01  04 00 00 00 08 00 01 00   /24 main boot universe unicast, ONLINK; RTA_DST
            0a f4 02 00 08 00 05 00  0a f4 02 00 08 00 04 00   RTA_GATEWAY, RTA_OIF
            0a 00 00 00
            """), _kernel.Sent[0]);
        Assert.Equal(FakeTransport.Hex("""
            4c 00 00 00 18 00 05 05  9d 00 10 6b 00 00 00 00
            0a 40 00 00 fe 03 00 01  04 00 00 00 14 00 01 00
            fd 00 00 02 00 00 00 00  00 00 00 00 00 00 00 00
            14 00 05 00 fd 00 00 02  00 00 00 00 00 00 00 00
            00 00 00 00 08 00 04 00  0a 00 00 00
            """), _kernel.Sent[1]);
    }

    /// <summary>
    /// ip route get 198.51.100.7: the request, and the kernel's answer as captured with -e read=all (via 192.0.2.254
    /// dev index 3 src 192.0.2.1); no ACK follows a request sent without NLM_F_ACK.
    /// </summary>
    [Fact]
    public void Route_get_v4_matches_iproute2_and_reads_the_one_answer()
    {
        _kernel.Reply = req => [FakeTransport.Message(Rtnl.RTM_NEWROUTE, 0, FakeTransport.Seq(req), FakeTransport.Hex("""
            02 20 00 00 fe 00 00 01  00 02 00 00 08 00 0f 00
            fe 00 00 00 08 00 01 00  c6 33 64 07 08 00 04 00
            03 00 00 00 08 00 07 00  c0 00 02 01 08 00 05 00
            c0 00 02 fe 08 00 19 00  00 00 00 00 24 00 0c 00
            02 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            """))];
        using var h = HandleSending(0x6b10009d);
        var route = h.RouteGet(IPAddress.Parse("198.51.100.7"));
        Assert.Equal(FakeTransport.Hex("""
            24 00 00 00 1a 00 01 00  9d 00 10 6b 00 00 00 00   RTM_GETROUTE REQUEST (no ACK, no DUMP)
            02 20 00 00 00 00 00 00  00 10 00 00 08 00 01 00   AF_INET /32, RTM_F_LOOKUP_TABLE; RTA_DST
            c6 33 64 07
            """), Only());
        Assert.Equal((3, IPAddress.Parse("192.0.2.254"), IPAddress.Parse("192.0.2.1")), (route.OutputIndex, route.Gateway, route.PrefSrc));
        Assert.Equal("198.51.100.7/32", route.Dst?.ToString());
    }

    /// <summary>ip route get 2001:db8:1::7 (via 2001:db8::fe dev index 3 src 2001:db8::1).</summary>
    [Fact]
    public void Route_get_v6_matches_iproute2_and_reads_the_one_answer()
    {
        _kernel.Reply = req => [FakeTransport.Message(Rtnl.RTM_NEWROUTE, 0, FakeTransport.Seq(req), FakeTransport.Hex("""
            0a 80 80 00 fe 03 00 01  00 00 00 00 08 00 0f 00
            fe 00 00 00 14 00 01 00  20 01 0d b8 00 01 00 00
            00 00 00 00 00 00 00 07  14 00 02 00 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 14 00 07 00
            20 01 0d b8 00 00 00 00  00 00 00 00 00 00 00 01
            08 00 06 00 00 04 00 00  14 00 05 00 20 01 0d b8
            00 00 00 00 00 00 00 00  00 00 00 fe 08 00 04 00
            03 00 00 00 24 00 0c 00  02 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00  05 00 14 00 00 00 00 00
            """))];
        using var h = HandleSending(0x6b10009d);
        var route = h.RouteGet(IPAddress.Parse("2001:db8:1::7"));
        Assert.Equal(FakeTransport.Hex("""
            30 00 00 00 1a 00 01 00  9d 00 10 6b 00 00 00 00
            0a 80 00 00 00 00 00 00  00 00 00 00 14 00 01 00   AF_INET6 /128, no flags; RTA_DST
            20 01 0d b8 00 01 00 00  00 00 00 00 00 00 00 07
            """), Only());
        Assert.Equal((3, IPAddress.Parse("2001:db8::fe"), IPAddress.Parse("2001:db8::1")), (route.OutputIndex, route.Gateway, route.PrefSrc));
    }

    [Fact]
    public void Route_get_without_a_route_carries_the_kernels_errno()
    {
        _kernel.Reply = req => [FakeTransport.Message(Rtnl.NLMSG_ERROR, 0, FakeTransport.Seq(req), FakeTransport.Hex("9bffffff"), req)];
        using var h = HandleSending(1);
        var e = Assert.Throws<NetlinkException>(() => h.RouteGet(IPAddress.Parse("203.0.113.9")));
        Assert.Equal(101, e.Errno); // ENETUNREACH
        Assert.Contains("203.0.113.9", e.Message);
    }

    private static byte[] Mac(string text)
    {
        Assert.True(MacAddress.TryParse(text, out byte[] mac));
        return mac;
    }

    /// <summary>A link whose IFLA_LINKINFO attribute is <paramref name="linkInfo"/>, through the real link parser.</summary>
    private Link ParseLink(byte[] linkInfo)
    {
        _kernel.Reply = req => [FakeTransport.Concat(
            FakeTransport.Message(Rtnl.RTM_NEWLINK, 0, FakeTransport.Seq(req),
                FakeTransport.Hex("00 00 0100 0b000000 02100000 00000000  0b00 0300 76786c616e3600 00"), linkInfo),
            FakeTransport.Ack(FakeTransport.Seq(req)))];
        using var h = HandleSending(1);
        return h.GetLinkByIndex(11);
    }
}
