using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// Equivalent to <c>ip route get {dst}</c>: the route the kernel would use for one destination, with the output
    /// interface (<see cref="RouteEntry.OutputIndex"/>), the gateway when there is one and the source address it
    /// would pick (<see cref="RouteEntry.PrefSrc"/>).
    /// </summary>
    /// <exception cref="NetlinkException">No route (ENETUNREACH), or another refusal.</exception>
    public RouteEntry RouteGet(IPAddress dst)
    {
        bool v4 = dst.AddressFamily == AddressFamily.InterNetwork;
        Span<byte> buf = stackalloc byte[64];

        // As iproute2: no NLM_F_ACK (the answer is the route itself, or an error), and RTM_F_LOOKUP_TABLE for IPv4.
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETROUTE, Rtnl.NLM_F_REQUEST, NextSeq());
        w.RtMsg(v4 ? Rtnl.AF_INET : Rtnl.AF_INET6, v4 ? (byte)32 : (byte)128, 0, 0, 0, 0, 0, v4 ? Rtnl.RTM_F_LOOKUP_TABLE : 0);
        w.AttrAddress(Rtnl.RTA_DST, dst);
        var request = w.Finish();
        string operation = $"failed to look up the route to {dst}";
        _socket.Send(request);
        return ReadOneReply(BinaryPrimitives.ReadUInt32LittleEndian(request[8..]), s_routeParser, operation)
            ?? throw new InvalidDataException($"the kernel answered the route lookup for {dst} without a route");
    }

    /// <summary>
    /// Reads the single answer to a request sent without NLM_F_ACK: the object, or NLMSG_ERROR when refused (null
    /// when the answer is an ACK or a message the parser does not take).
    /// </summary>
    private T? ReadOneReply<T>(uint seq, MessageParser<T> parser, string operation)
        where T : class
    {
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

                if (reader.Type == Rtnl.NLMSG_ERROR)
                {
                    ThrowIfError(reader.Payload, reader.Flags, operation);
                    return null;
                }

                if (reader.Type != Rtnl.NLMSG_NOOP)
                {
                    return parser(reader.Type, reader.Payload, out T item) ? item : null;
                }
            }
        }
    }
}
