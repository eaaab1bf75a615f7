using System.Buffers.Binary;
using CniPlugins.Netlink;

namespace CniPlugins.Tests;

/// <summary>
/// Stands in for the kernel: records every request and answers each one with scripted replies (by default a plain
/// ACK carrying the request's sequence number), so request encoding and reply handling are checked byte for byte.
/// </summary>
internal sealed class FakeTransport : INetlinkTransport
{
    private readonly Queue<byte[]> _pending = new();

    public List<byte[]> Sent { get; } = [];

    /// <summary>Builds the datagrams that answer a request (given its bytes); null means "ACK".</summary>
    public Func<byte[], IEnumerable<byte[]>>? Reply { get; set; }

    public uint PortId => 4242;

    public void Send(ReadOnlySpan<byte> message)
    {
        byte[] request = message.ToArray();
        Sent.Add(request);
        foreach (byte[] datagram in Reply?.Invoke(request) ?? [Ack(Seq(request))])
        {
            _pending.Enqueue(datagram);
        }
    }

    public (int Length, bool FromKernel) Receive(Span<byte> buffer)
    {
        byte[] next = _pending.Dequeue();
        next.CopyTo(buffer);
        return (next.Length, true);
    }

    public void Dispose()
    {
    }

    public static uint Seq(byte[] request) => BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8));

    /// <summary>One netlink message: header then payload, length padded to 4.</summary>
    public static byte[] Message(ushort type, ushort flags, uint seq, params byte[][] payload)
    {
        int len = 16 + payload.Sum(p => p.Length);
        byte[] m = new byte[(len + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)len);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), 4242);
        int at = 16;
        foreach (byte[] p in payload)
        {
            p.CopyTo(m, at);
            at += p.Length;
        }

        return m;
    }

    /// <summary>NLMSG_ERROR with errno 0 and the echoed header (capped).</summary>
    public static byte[] Ack(uint seq) => Message(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED, seq, new byte[4], new byte[16]);

    public static byte[] Done(uint seq) => Message(Rtnl.NLMSG_DONE, Rtnl.NLM_F_MULTI, seq, new byte[4]);

    public static byte[] Concat(params byte[][] messages) => messages.SelectMany(m => m).ToArray();

    /// <summary>Bytes from annotated hex: on each line, the leading hex words; the first other word starts a comment.</summary>
    public static byte[] Hex(string annotated) => Convert.FromHexString(string.Concat(
        annotated.Split('\n').SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(word => word.All(char.IsAsciiHexDigit)))));
}
