using System.Net;
using CniPlugins.Netlink;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// The ctnetlink requests portmap sends to drop stale UDP entries, against what <c>conntrack -D -p udp --dport 9053</c>
/// (conntrack-tools 1.4.7) sent for the entry <c>udp src=127.0.0.1 dst=127.0.0.1 sport=44018 dport=9053</c>, captured
/// with <c>strace -xx -e sendto</c>. conntrack adds the reply tuple, status, timeout and mark; the kernel finds the
/// entry by the original tuple alone, which is all we send.
/// </summary>
public sealed class ConntrackRequestTests
{
    /// <summary>CTA_TUPLE_ORIG of the captured delete: 52 bytes, nested IP (src, dst) and PROTO (17, 44018, 9053).</summary>
    private const string CapturedTupleOrig =
        "34000180" + "14000180" + "080001007f000001" + "080002007f000001" +
        "1c000280" + "0500010011000000" + "06000200abf20000" + "06000300235d0000";

    [Fact]
    public void Delete_sends_conntracks_original_tuple_after_the_header_and_nfgenmsg()
    {
        Span<byte> buf = stackalloc byte[128];
        var entry = new ConntrackEntry(Rtnl.AF_INET, IPAddress.Loopback, IPAddress.Loopback, Conntrack.IPPROTO_UDP, 44018, 9053, null);
        string hex = Convert.ToHexString(Conntrack.DeleteRequest(buf, entry, 0x6b1a43d7)).ToLowerInvariant();

        // nlmsghdr: length 72, type NFNL_SUBSYS_CTNETLINK<<8 | IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST|NLM_F_ACK, seq, pid 0.
        Assert.Equal("48000000" + "0201" + "0500" + "d7431a6b" + "00000000" + "02000000" + CapturedTupleOrig, hex);
    }

    [Fact]
    public void Delete_of_an_ipv6_entry_in_a_zone_carries_the_v6_addresses_and_the_zone()
    {
        Span<byte> buf = stackalloc byte[128];
        var entry = new ConntrackEntry(Rtnl.AF_INET6, IPAddress.Parse("fd00::2"), IPAddress.Parse("fd00::1"), Conntrack.IPPROTO_UDP, 1, 53, 7);
        var reader = new NetlinkMessageReader(Conntrack.DeleteRequest(buf, entry, 1));
        Assert.True(reader.MoveNext());
        Assert.Equal(Rtnl.AF_INET6, reader.Payload[0]);
        var attrs = new NetlinkAttributeReader(reader.Payload[Ctnl.NfGenMsgLen..]);
        Assert.True(attrs.MoveNext());
        Assert.Equal(Ctnl.CTA_TUPLE_ORIG, attrs.Type);
        Assert.Equal(4 + (4 + 20 + 20) + (4 + 8 + 8 + 8), attrs.Value.Length + 4);
        Assert.True(attrs.MoveNext());
        Assert.Equal(Ctnl.CTA_ZONE, attrs.Type);
        Assert.Equal("0007", Convert.ToHexString(attrs.Value));
    }

    [Fact]
    public void Dump_is_conntracks_get_with_nlm_f_dump_for_one_family()
    {
        Span<byte> buf = stackalloc byte[64];
        // conntrack -D dumps with AF_UNSPEC (every family); we dump the container address's family, as the reference does.
        Assert.Equal("14000000" + "0101" + "0103" + "01000000" + "00000000" + "02000000",
            Convert.ToHexString(Conntrack.DumpRequest(buf, Rtnl.AF_INET, 1)).ToLowerInvariant());
    }

    [Fact]
    public void A_dumped_entry_parses_back_into_the_tuple_the_delete_sends()
    {
        Span<byte> buf = stackalloc byte[128];
        var entry = new ConntrackEntry(Rtnl.AF_INET, IPAddress.Parse("10.0.0.9"), IPAddress.Parse("10.0.0.1"), Conntrack.IPPROTO_UDP, 40000, 9053, null);
        // A dump entry is IPCTNL_MSG_CT_NEW with the same attribute layout: rewrite the type and parse it.
        byte[] message = Conntrack.DeleteRequest(buf, entry, 1).ToArray();
        message[4] = Ctnl.IPCTNL_MSG_CT_NEW;
        var reader = new NetlinkMessageReader(message);
        Assert.True(reader.MoveNext());
        Assert.True(Conntrack.Parse(reader.Type, reader.Payload, out var parsed));
        Assert.Equal(entry, parsed);
    }
}
