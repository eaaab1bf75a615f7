using System.Buffers.Binary;
using System.Net;

namespace CniPlugins.Netlink;

/// <summary>
/// The conntrack table over NETLINK_NETFILTER, without the <c>conntrack</c> binary: a dump of one family, and the
/// deletion of one entry by its original tuple, as <c>conntrack -D</c> sends it (its CTA_TUPLE_ORIG is pinned
/// byte for byte in a unit test). Used to drop stale UDP entries that would keep sending a published port's
/// traffic to a container that is gone.
/// </summary>
public static class Conntrack
{
    public const byte IPPROTO_UDP = 17;
    private const int RequestBufferSize = 128;

    /// <summary>
    /// Deletes the entries of <paramref name="family"/> whose original protocol is <paramref name="protocol"/> and
    /// destination port one of <paramref name="ports"/>, in the calling thread's namespace; returns how many went.
    /// An entry that expires between the dump and its deletion is not an error.
    /// </summary>
    /// <remarks>
    /// A set, not an interface: <c>Contains</c> through a collection interface makes NativeAOT keep an equality
    /// comparer for the arrays of every type in the program, each more static storage every run allocates at start.
    /// </remarks>
    public static int DeleteByDestinationPort(byte family, byte protocol, HashSet<ushort> ports)
    {
        using var handle = new RtnlHandle(NetlinkSocket.Open(Interop.NETLINK_NETFILTER), (uint)Environment.TickCount);
        Span<byte> buf = stackalloc byte[RequestBufferSize];
        var entries = handle.Dump(DumpRequest(buf, family, 0), s_parser, "failed to list conntrack entries");
        int deleted = 0;
        foreach (var e in entries.Where(e => e.Protocol == protocol && ports.Contains(e.DestinationPort)))
        {
            try
            {
                handle.Execute(DeleteRequest(buf, e, handle.NextSeq()), "failed to delete a conntrack entry");
                deleted++;
            }
            catch (NetlinkException x) when (x.Errno == Interop.Errno.ENOENT)
            {
                // gone meanwhile
            }
        }

        return deleted;
    }

    /// <summary>IPCTNL_MSG_CT_GET with NLM_F_DUMP for one family: the whole table of that family.</summary>
    public static ReadOnlySpan<byte> DumpRequest(Span<byte> buffer, byte family, uint seq)
    {
        var w = new NetlinkWriter(buffer, MessageType(Ctnl.IPCTNL_MSG_CT_GET), Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq);
        w.NfGenMsg(family);
        return w.Finish();
    }

    /// <summary>IPCTNL_MSG_CT_DELETE of one entry by its original tuple (and its zone, when not the default one).</summary>
    public static ReadOnlySpan<byte> DeleteRequest(Span<byte> buffer, ConntrackEntry e, uint seq)
    {
        var w = new NetlinkWriter(buffer, MessageType(Ctnl.IPCTNL_MSG_CT_DELETE), Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq);
        w.NfGenMsg(e.Family);
        bool v4 = e.Family == Rtnl.AF_INET;
        int tuple = w.BeginNested(Ctnl.CTA_TUPLE_ORIG | Rtnl.NLA_F_NESTED);
        int ip = w.BeginNested(Ctnl.CTA_TUPLE_IP | Rtnl.NLA_F_NESTED);
        w.AttrAddress(v4 ? Ctnl.CTA_IP_V4_SRC : Ctnl.CTA_IP_V6_SRC, e.Source);
        w.AttrAddress(v4 ? Ctnl.CTA_IP_V4_DST : Ctnl.CTA_IP_V6_DST, e.Destination);
        w.EndNested(ip);
        int proto = w.BeginNested(Ctnl.CTA_TUPLE_PROTO | Rtnl.NLA_F_NESTED);
        w.AttrU8(Ctnl.CTA_PROTO_NUM, e.Protocol);
        w.AttrU16BigEndian(Ctnl.CTA_PROTO_SRC_PORT, e.SourcePort);
        w.AttrU16BigEndian(Ctnl.CTA_PROTO_DST_PORT, e.DestinationPort);
        w.EndNested(proto);
        w.EndNested(tuple);
        if (e.Zone is ushort zone and not 0)
        {
            w.AttrU16BigEndian(Ctnl.CTA_ZONE, zone);
        }

        return w.Finish();
    }

    private static ushort MessageType(byte message) => (ushort)((Ctnl.NFNL_SUBSYS_CTNETLINK << 8) | message);

    private static readonly RtnlHandle.MessageParser<ConntrackEntry> s_parser = Parse;

    /// <summary>One dumped entry: nfgenmsg, then CTA_TUPLE_ORIG among other attributes; entries without a port tuple are skipped.</summary>
    internal static bool Parse(ushort type, ReadOnlySpan<byte> payload, out ConntrackEntry entry)
    {
        entry = null!;
        if (type != MessageType(Ctnl.IPCTNL_MSG_CT_NEW) || payload.Length < Ctnl.NfGenMsgLen)
        {
            return false;
        }

        byte family = payload[0];
        IPAddress? src = null, dst = null;
        byte protocol = 0;
        ushort sport = 0, dport = 0;
        ushort? zone = null;
        bool ports = false;
        var attrs = new NetlinkAttributeReader(payload[Ctnl.NfGenMsgLen..]);
        while (attrs.MoveNext())
        {
            if (attrs.Type == Ctnl.CTA_ZONE && attrs.Value.Length >= 2)
            {
                zone = BinaryPrimitives.ReadUInt16BigEndian(attrs.Value);
            }

            if (attrs.Type != Ctnl.CTA_TUPLE_ORIG)
            {
                continue;
            }

            var tuple = new NetlinkAttributeReader(attrs.Value);
            while (tuple.MoveNext())
            {
                var inner = new NetlinkAttributeReader(tuple.Value);
                while (inner.MoveNext())
                {
                    switch (tuple.Type, inner.Type)
                    {
                        case (Ctnl.CTA_TUPLE_IP, Ctnl.CTA_IP_V4_SRC or Ctnl.CTA_IP_V6_SRC):
                            src = inner.Address;
                            break;
                        case (Ctnl.CTA_TUPLE_IP, Ctnl.CTA_IP_V4_DST or Ctnl.CTA_IP_V6_DST):
                            dst = inner.Address;
                            break;
                        case (Ctnl.CTA_TUPLE_PROTO, Ctnl.CTA_PROTO_NUM):
                            protocol = inner.U8;
                            break;
                        case (Ctnl.CTA_TUPLE_PROTO, Ctnl.CTA_PROTO_SRC_PORT) when inner.Value.Length >= 2:
                            sport = BinaryPrimitives.ReadUInt16BigEndian(inner.Value);
                            ports = true;
                            break;
                        case (Ctnl.CTA_TUPLE_PROTO, Ctnl.CTA_PROTO_DST_PORT) when inner.Value.Length >= 2:
                            dport = BinaryPrimitives.ReadUInt16BigEndian(inner.Value);
                            break;
                    }
                }
            }
        }

        if (src is null || dst is null || !ports)
        {
            return false;
        }

        entry = new ConntrackEntry(family, src, dst, protocol, sport, dport, zone);
        return true;
    }
}
