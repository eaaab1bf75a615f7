using System.Buffers.Binary;
using CniPlugins.Ns;

namespace CniPlugins.Netlink;

/// <summary>
/// rtnetlink requests against one network namespace: the one its socket was opened in (its request/reply loop also
/// carries ctnetlink, see <see cref="Conntrack"/>). Operations are split by
/// object into partial files (Link, Addr, Route, Neigh, Bridge); each documents its iproute2 equivalent.
/// </summary>
public sealed partial class RtnlHandle : IDisposable
{
    /// <summary>The reference retries a dump interrupted by a concurrent change this many times.</summary>
    private const int MaxDumpAttempts = 5;
    private const int RequestBufferSize = 1024;

    private readonly INetlinkTransport _socket;
    private readonly byte[] _receiveBuffer = new byte[64 * 1024];
    private uint _seq;

    /// <summary>Wraps a transport; tests pass a fake, everything else uses <see cref="Open"/>.</summary>
    internal RtnlHandle(INetlinkTransport socket, uint initialSeq)
    {
        _socket = socket;
        _seq = initialSeq;
    }

    /// <summary>Opens a handle on the calling thread's namespace.</summary>
    public static RtnlHandle Open() => new(NetlinkSocket.Open(Interop.NETLINK_ROUTE), (uint)Environment.TickCount);

    /// <summary>Opens a handle on <paramref name="ns"/>; it stays there whichever thread uses it later.</summary>
    public static RtnlHandle OpenIn(NetNs ns) => ns.Run(Open);

    public void Dispose() => _socket.Dispose();

    internal uint NextSeq() => ++_seq;

    /// <summary>Parses one reply message; return false to skip it.</summary>
    internal delegate bool MessageParser<T>(ushort type, ReadOnlySpan<byte> payload, out T item);

    /// <summary>Sends a request that wants only an ACK, and throws the kernel's error if it refuses.</summary>
    internal void Execute(ReadOnlySpan<byte> request, string operation)
    {
        _socket.Send(request);
        ReadReplies<bool>(BinaryPrimitives.ReadUInt32LittleEndian(request[8..]), dump: false, null, null, operation);
    }

    /// <summary>
    /// Sends a request that returns one object (e.g. RTM_GETLINK by name); null if none came. With NLM_F_ACK in the
    /// request the ACK that follows the object is read too; without it (as iproute2 sends RTM_GETROUTE for one
    /// destination) the object is the whole answer.
    /// </summary>
    internal T? Get<T>(ReadOnlySpan<byte> request, MessageParser<T> parser, string operation)
        where T : class
    {
        var items = new List<T>(1);
        bool ackFollows = (BinaryPrimitives.ReadUInt16LittleEndian(request[6..]) & Rtnl.NLM_F_ACK) != 0;
        _socket.Send(request);
        ReadReplies(BinaryPrimitives.ReadUInt32LittleEndian(request[8..]), dump: false, parser, items, operation, ackFollows);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>Runs a dump, retrying when the kernel flags it as interrupted by a concurrent change.</summary>
    internal List<T> Dump<T>(ReadOnlySpan<byte> request, MessageParser<T> parser, string operation)
    {
        Span<byte> copy = stackalloc byte[request.Length];
        request.CopyTo(copy);
        var items = new List<T>();
        for (int attempt = 1; ; attempt++)
        {
            uint seq = NextSeq();
            BinaryPrimitives.WriteUInt32LittleEndian(copy[8..], seq);
            items.Clear();
            _socket.Send(copy);
            bool interrupted = ReadReplies(seq, dump: true, parser, items, operation);
            if (!interrupted || attempt == MaxDumpAttempts)
            {
                return items;
            }
        }
    }

    /// <summary>
    /// Reads replies to <paramref name="seq"/> until the ACK or NLMSG_DONE (or, when no ACK follows, the one
    /// answer); returns whether the dump was interrupted.
    /// </summary>
    private bool ReadReplies<T>(uint seq, bool dump, MessageParser<T>? parser, List<T>? items, string operation, bool ackFollows = true)
    {
        bool interrupted = false;
        while (true)
        {
            var (length, fromKernel) = _socket.Receive(_receiveBuffer);
            if (!fromKernel)
            {
                continue;
            }

            var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, length));
            while (reader.MoveNext())
            {
                if (reader.Seq != seq || (reader.PortId != _socket.PortId && reader.PortId != 0))
                {
                    continue; // a late reply to an earlier request
                }

                if ((reader.Flags & Rtnl.NLM_F_DUMP_INTR) != 0)
                {
                    interrupted = true;
                }

                switch (reader.Type)
                {
                    case Rtnl.NLMSG_ERROR:
                        ThrowIfError(reader.Payload, reader.Flags, operation);
                        return interrupted; // errno 0: the ACK
                    case Rtnl.NLMSG_DONE:
                        if (reader.Payload.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(reader.Payload) is int err and < 0)
                        {
                            throw new NetlinkException(operation, -err, null);
                        }

                        return interrupted;
                    case Rtnl.NLMSG_NOOP:
                        continue;
                    default:
                        if (parser is not null && parser(reader.Type, reader.Payload, out T item))
                        {
                            items!.Add(item);
                        }

                        if (!dump && (reader.Flags & Rtnl.NLM_F_MULTI) == 0)
                        {
                            if (!ackFollows)
                            {
                                return interrupted; // the answer was all there is
                            }

                            continue; // the ACK follows
                        }

                        break;
                }
            }
        }
    }

    private static void ThrowIfError(ReadOnlySpan<byte> payload, ushort flags, string operation)
    {
        if (payload.Length < 4)
        {
            throw new InvalidDataException("truncated netlink error message");
        }

        int error = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (error == 0)
        {
            return;
        }

        string? extAck = null;
        if ((flags & Rtnl.NLM_F_ACK_TLVS) != 0 && payload.Length >= 4 + Rtnl.NlMsgHdrLen)
        {
            // The TLVs follow the echoed request: its header only when capped, the whole message otherwise.
            int echoed = (flags & Rtnl.NLM_F_CAPPED) != 0
                ? Rtnl.NlMsgHdrLen
                : NetlinkWriter.Align((int)BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
            if (4 + echoed <= payload.Length)
            {
                var attrs = new NetlinkAttributeReader(payload[(4 + echoed)..]);
                while (attrs.MoveNext())
                {
                    if (attrs.Type == Rtnl.NLMSGERR_ATTR_MSG)
                    {
                        extAck = attrs.String;
                    }
                }
            }
        }

        throw new NetlinkException(operation, -error, extAck);
    }
}
