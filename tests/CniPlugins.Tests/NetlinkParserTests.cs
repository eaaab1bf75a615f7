using System.Net;
using CniPlugins.Netlink;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>Readers and object parsers over canned kernel messages (payloads after the nlmsghdr).</summary>
public sealed class NetlinkParserTests
{
    /// <summary>RTM_NEWLINK payload for eth0 (index 2, up, mtu 1500) enslaved to a bridge, kind veth.</summary>
    public static readonly byte[] Eth0Payload = FakeTransport.Hex("""
        00 00 01 00 02 00 00 00 43 10 01 00 00 00 00 00  // ifinfomsg: AF_UNSPEC, ARPHRD_ETHER, index 2, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
        09 00 03 00 65 74 68 30 00 00 00 00              // IFLA_IFNAME "eth0"
        08 00 04 00 dc 05 00 00                          // IFLA_MTU 1500
        0a 00 01 00 0a 58 0a 01 00 05 00 00              // IFLA_ADDRESS
        08 00 0a 00 07 00 00 00                          // IFLA_MASTER 7
        08 00 05 00 09 00 00 00                          // IFLA_LINK 9
        08 00 25 00 00 00 00 00                          // IFLA_LINK_NETNSID 0
        05 00 10 00 06 00 00 00                          // IFLA_OPERSTATE IF_OPER_UP
        30 00 12 00                                      // IFLA_LINKINFO
          09 00 01 00 76 65 74 68 00 00 00 00            //   IFLA_INFO_KIND "veth\0"
          0b 00 04 00 62 72 69 64 67 65 00 00            //   IFLA_INFO_SLAVE_KIND "bridge\0"
          14 00 05 00                                    //   IFLA_INFO_SLAVE_DATA
            05 00 04 00 01 00 00 00                      //     IFLA_BRPORT_MODE 1
            08 00 0a 00 02 00 00 00                      //     unknown u32
        04 00 ff 00                                      // an empty attribute the parser does not know
        """);

    [Fact]
    public void Link_TryParse_reads_every_field()
    {
        Assert.True(Link.TryParse(Rtnl.RTM_NEWLINK, Eth0Payload, out var link));
        Assert.Equal(2, link.Index);
        Assert.Equal("eth0", link.Name);
        Assert.Equal(1500, link.Mtu);
        Assert.True(link.IsUp);
        Assert.False(link.IsPromisc);
        Assert.Equal("0a:58:0a:01:00:05", link.Mac);
        Assert.Equal(7, link.MasterIndex);
        Assert.Equal(9, link.ParentIndex);
        Assert.Equal(0, link.LinkNetnsId);
        Assert.Equal(6, link.OperState);
        Assert.Equal("veth", link.Kind);
        Assert.Equal("bridge", link.SlaveKind);
        Assert.Null(link.InfoData);
        Assert.Equal(1u, Link.InfoAttr(link.InfoSlaveData, 4));
        Assert.Equal(2u, Link.InfoAttr(link.InfoSlaveData, 10));
        Assert.Null(Link.InfoAttr(link.InfoSlaveData, 99));
    }

    [Fact]
    public void Link_TryParse_skips_other_types_and_short_payloads()
    {
        Assert.False(Link.TryParse(Rtnl.RTM_NEWADDR, Eth0Payload, out _));
        Assert.False(Link.TryParse(Rtnl.RTM_NEWLINK, Eth0Payload.AsSpan(0, 15), out _));
    }

    [Fact]
    public void Addr_TryParse_prefers_IFA_LOCAL_and_reads_flags_attribute()
    {
        var payload = FakeTransport.Hex("""
            02 18 80 00 03 00 00 00          // ifaddrmsg: AF_INET, /24, IFA_F_PERMANENT, universe, index 3
            08 00 01 00 0a 01 02 01          // IFA_ADDRESS (peer)
            08 00 02 00 0a 01 02 05          // IFA_LOCAL
            08 00 04 00 0a 01 02 ff          // IFA_BROADCAST
            09 00 03 00 65 74 68 30 00 00 00 00  // IFA_LABEL "eth0"
            08 00 08 00 80 02 00 00          // IFA_FLAGS PERMANENT|NOPREFIXROUTE
            """);
        Assert.True(Addr.TryParse(Rtnl.RTM_NEWADDR, payload, out var addr));
        Assert.Equal("10.1.2.5/24", addr.Address.ToString());
        Assert.Equal(3, addr.LinkIndex);
        Assert.Equal(IPAddress.Parse("10.1.2.255"), addr.Broadcast);
        Assert.Equal("eth0", addr.Label);
        Assert.Equal(0x280u, addr.Flags);
        Assert.Equal(0, addr.Scope);
    }

    [Fact]
    public void Addr_TryParse_v6_with_only_IFA_ADDRESS()
    {
        var payload = FakeTransport.Hex("""
            0a 40 00 fd 03 00 00 00          // AF_INET6, /64, scope link
            14 00 01 00 fe 80 00 00 00 00 00 00 08 58 0a ff fe 01 00 05
            """);
        Assert.True(Addr.TryParse(Rtnl.RTM_NEWADDR, payload, out var addr));
        Assert.Equal("fe80::858:aff:fe01:5/64", addr.Address.ToString());
        Assert.Equal(0xfd, addr.Scope);
    }

    [Fact]
    public void Addr_without_address_is_skipped() =>
        Assert.False(Addr.TryParse(Rtnl.RTM_NEWADDR, FakeTransport.Hex("02 18 00 00 03 00 00 00"), out _));

    [Fact]
    public void RouteEntry_TryParse_reads_dst_gateway_table_metrics()
    {
        var payload = FakeTransport.Hex("""
            02 10 00 00 fc 04 00 01 00 00 00 00  // rtmsg: AF_INET, /16, table 252, RTPROT_STATIC, universe, unicast
            08 00 0f 00 e8 03 00 00              // RTA_TABLE 1000 overrides rtm_table
            08 00 01 00 c0 a8 00 00              // RTA_DST
            08 00 05 00 0a 01 02 01              // RTA_GATEWAY
            08 00 07 00 0a 01 02 05              // RTA_PREFSRC
            08 00 04 00 03 00 00 00              // RTA_OIF
            08 00 06 00 64 00 00 00              // RTA_PRIORITY
            14 00 08 00 08 00 02 00 78 05 00 00 08 00 08 00 50 05 00 00  // RTA_METRICS mtu 1400, advmss 1360
            """);
        Assert.True(RouteEntry.TryParse(Rtnl.RTM_NEWROUTE, payload, out var r));
        Assert.Equal("192.168.0.0/16", r.Dst.ToString());
        Assert.Equal(IPAddress.Parse("10.1.2.1"), r.Gateway);
        Assert.Equal(IPAddress.Parse("10.1.2.5"), r.PrefSrc);
        Assert.Equal((3, 100u, 1000u, (byte)4, 1400u, 1360u), (r.OutputIndex, r.Priority, r.Table, r.Protocol, r.Mtu, r.AdvMss));
    }

    [Fact]
    public void RouteEntry_default_route_has_no_dst()
    {
        var payload = FakeTransport.Hex("""
            0a 00 00 00 fe 03 00 01 00 00 00 00
            14 00 05 00 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
            """);
        Assert.True(RouteEntry.TryParse(Rtnl.RTM_NEWROUTE, payload, out var r));
        Assert.Null(r.Dst);
        Assert.Equal(254u, r.Table);
        Assert.Equal(IPAddress.Parse("fd00::1"), r.Gateway);
    }

    [Fact]
    public void Neigh_TryParse_fdb_entry()
    {
        var payload = FakeTransport.Hex("""
            07 00 00 00 05 00 00 00 80 00 02 00  // ndmsg: AF_BRIDGE, index 5, NUD_PERMANENT, NTF_SELF
            0a 00 02 00 0a 58 0a 01 00 05 00 00  // NDA_LLADDR
            08 00 01 00 0a 01 02 03              // NDA_DST
            """);
        Assert.True(Neigh.TryParse(Rtnl.RTM_NEWNEIGH, payload, out var n));
        Assert.Equal((7, 5, (ushort)0x80, (byte)2), (n.Family, n.LinkIndex, n.State, n.Flags));
        Assert.Equal("0a:58:0a:01:00:05", MacAddress.Format(n.HardwareAddr));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), n.Ip);
    }

    [Theory]
    [InlineData("0f 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00")]   // shorter than its header
    [InlineData("20 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00")]   // longer than the datagram
    public void Message_reader_rejects_malformed_lengths(string hex)
    {
        var datagram = FakeTransport.Hex(hex);
        Assert.Throws<InvalidDataException>(() =>
        {
            var r = new NetlinkMessageReader(datagram);
            r.MoveNext();
        });
    }

    [Fact]
    public void Message_reader_ignores_trailing_bytes_shorter_than_a_header()
    {
        var r = new NetlinkMessageReader(FakeTransport.Hex("01 02 03"));
        Assert.False(r.MoveNext());
    }

    [Fact]
    public void Attribute_reader_masks_flags_and_reads_values()
    {
        var attrs = FakeTransport.Hex("""
            05 00 01 80 ab 00 00 00          // type 1 | NLA_F_NESTED
            06 00 02 40 34 12 00 00          // type 2 | NLA_F_NET_BYTEORDER
            08 00 03 00 ff ff ff ff
            08 00 04 00 61 62 63 64          // string without NUL
            """);
        var r = new NetlinkAttributeReader(attrs);
        Assert.True(r.MoveNext());
        Assert.Equal((1, (byte)0xab), (r.Type, r.U8));
        Assert.True(r.MoveNext());
        Assert.Equal((2, "34-12"), (r.Type, BitConverter.ToString(r.Value.ToArray())));
        Assert.True(r.MoveNext());
        Assert.Equal((uint.MaxValue, -1), (r.U32, r.I32));
        Assert.True(r.MoveNext());
        Assert.Equal("abcd", r.String);
        Assert.False(r.MoveNext());
    }

    [Theory]
    [InlineData("03 00 01 00")]             // shorter than nlattr
    [InlineData("0c 00 01 00 00 00 00 00")] // longer than what is left
    public void Attribute_reader_rejects_malformed_lengths(string hex)
    {
        var attrs = FakeTransport.Hex(hex);
        Assert.Throws<InvalidDataException>(() =>
        {
            var r = new NetlinkAttributeReader(attrs);
            r.MoveNext();
        });
    }

    [Fact]
    public void Attribute_reader_rejects_short_address()
    {
        var attrs = FakeTransport.Hex("07 00 01 00 0a 01 02 00");
        Assert.Throws<InvalidDataException>(() =>
        {
            var r = new NetlinkAttributeReader(attrs);
            r.MoveNext();
            _ = r.Address;
        });
    }
}
