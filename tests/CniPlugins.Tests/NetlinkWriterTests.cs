using System.Net;
using CniPlugins.Netlink;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>The message writer against the kernel's wire layout (include/uapi/linux/netlink.h, rtnetlink.h).</summary>
public sealed class NetlinkWriterTests
{
    [Fact]
    public void Header_and_ifinfomsg()
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, 0x01020304);
        w.IfInfoMsg(Rtnl.AF_BRIDGE, 7, Rtnl.IFF_UP, Rtnl.IFF_UP);
        Assert.Equal(FakeTransport.Hex("""
            20000000 1000 0500 04030201 00000000   nlmsghdr: len 32, RTM_NEWLINK, REQUEST|ACK, seq, pid 0
            07 00 0000 07000000 01000000 01000000  ifinfomsg: AF_BRIDGE, pad, type 0, index 7, flags UP, change UP
            """), w.Finish().ToArray());
    }

    [Fact]
    public void Attributes_are_padded_with_zeros_and_nested_lengths_back_patched()
    {
        Span<byte> buf = stackalloc byte[128];
        buf.Fill(0xee); // padding must be written as zeros, not left as whatever the buffer held
        var w = new NetlinkWriter(buf, 1, 0, 0);
        w.AttrU8(1, 0xab);
        w.AttrU16(2, 0x1234);
        w.AttrU16BigEndian(3, 4789);
        w.AttrU32(4, 0xdeadbeef);
        w.AttrString(5, "eth0");
        w.AttrStringNoNul(6, "veth");
        int nest = w.BeginNested(7);
        w.AttrAddress(8, IPAddress.Parse("10.1.2.3"));
        w.EndNested(nest);
        Assert.Equal(FakeTransport.Hex("""
            50000000 0100 0000 00000000 00000000
            0500 0100 ab000000           u8 + 3 bytes padding
            0600 0200 3412 0000          u16 little endian
            0600 0300 12b5 0000          u16 big endian (4789)
            0800 0400 efbeadde           u32
            0900 0500 65746830 00000000  "eth0" with NUL, padded
            0800 0600 76657468           "veth" without NUL
            0c00 0700 0800 0800 0a010203 nested: length 12 covers the inner address
            """), w.Finish().ToArray());
    }

    [Fact]
    public void Other_family_headers()
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, 0, 0, 0);
        w.IfAddrMsg(Rtnl.AF_INET6, 64, 2, 0, 9);
        w.RtMsg(Rtnl.AF_INET, 24, 0, Rtnl.RT_TABLE_MAIN, Rtnl.RTPROT_BOOT, Rtnl.RT_SCOPE_LINK, Rtnl.RTN_UNICAST, Rtnl.RTNH_F_ONLINK);
        w.NdMsg(Rtnl.AF_BRIDGE, 3, Rtnl.NUD_PERMANENT, Rtnl.NTF_SELF);
        Assert.Equal(FakeTransport.Hex("""
            30000000 0000 0000 00000000 00000000
            0a 40 02 00 09000000                   ifaddrmsg: AF_INET6 /64 flags NODAD scope 0 index 9
            02 18 00 00 fe 03 fd 01 04000000       rtmsg: AF_INET /24, tos 0, main, boot, link, unicast, ONLINK
            07 000000 03000000 8000 02 00          ndmsg: AF_BRIDGE, index 3, PERMANENT, SELF
            """), w.Finish().ToArray());
    }

    [Fact]
    public void A_message_that_does_not_fit_is_refused()
    {
        var ex = Record.Exception(() =>
        {
            Span<byte> buf = stackalloc byte[20];
            var w = new NetlinkWriter(buf, 0, 0, 0);
            w.AttrU32(1, 1);
        });
        Assert.IsType<InvalidOperationException>(ex);
    }

    [Fact]
    public void Readers_walk_messages_and_attributes_and_reject_bad_lengths()
    {
        byte[] datagram = FakeTransport.Concat(
            FakeTransport.Message(Rtnl.RTM_NEWADDR, 2, 1, [1, 2, 3]),
            FakeTransport.Done(1));
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.MoveNext());
        Assert.Equal(Rtnl.RTM_NEWADDR, reader.Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.Payload.ToArray());
        Assert.True(reader.MoveNext());
        Assert.Equal(Rtnl.NLMSG_DONE, reader.Type);
        Assert.False(reader.MoveNext());

        Assert.Throws<InvalidDataException>(() =>
        {
            var bad = new NetlinkMessageReader(FakeTransport.Hex("ff000000 0000 0000 00000000 00000000"));
            bad.MoveNext();
        });
        Assert.Throws<InvalidDataException>(() =>
        {
            var bad = new NetlinkAttributeReader(FakeTransport.Hex("2000 0100 00000000"));
            bad.MoveNext();
        });

        var attrs = new NetlinkAttributeReader(FakeTransport.Hex("0800 0380 0a000001 0500 0400 07000000"));
        Assert.True(attrs.MoveNext());
        Assert.Equal(3, attrs.Type); // NLA_F_NESTED stripped
        Assert.Equal("10.0.0.1", attrs.Address.ToString());
        Assert.True(attrs.MoveNext());
        Assert.Equal(7, attrs.U8);
        Assert.False(attrs.MoveNext());
    }
}
