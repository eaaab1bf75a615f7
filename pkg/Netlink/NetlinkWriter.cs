using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace CniPlugins.Netlink;

/// <summary>
/// Builds one netlink message in a caller-supplied buffer (usually stackalloc'd): the 16-byte header, a fixed
/// family header, then attributes. Numbers are host (little-endian) order unless a method says otherwise; nested
/// attributes are closed with <see cref="EndNested"/>, which back-patches their length. Nothing is allocated.
/// </summary>
public ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public NetlinkWriter(Span<byte> buffer, ushort type, ushort flags, uint seq)
    {
        _buffer = buffer;
        _buffer[..Rtnl.NlMsgHdrLen].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[8..], seq);
        _position = Rtnl.NlMsgHdrLen;
    }

    public readonly int Length => _position;

    /// <summary>struct ifinfomsg (16 bytes).</summary>
    public void IfInfoMsg(byte family, int index, uint flags = 0, uint change = 0, ushort type = 0)
    {
        var s = Reserve(16);
        s[0] = family;
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], change);
    }

    /// <summary>struct nfgenmsg (4 bytes): family, NFNETLINK_V0, res_id 0.</summary>
    public void NfGenMsg(byte family)
    {
        var s = Reserve(Ctnl.NfGenMsgLen);
        s[0] = family;
        s[1] = Ctnl.NFNETLINK_V0;
    }

    /// <summary>struct ifaddrmsg (8 bytes).</summary>
    public void IfAddrMsg(byte family, byte prefixLength, byte flags, byte scope, int index)
    {
        var s = Reserve(8);
        s[0] = family;
        s[1] = prefixLength;
        s[2] = flags;
        s[3] = scope;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
    }

    /// <summary>struct rtmsg (12 bytes).</summary>
    public void RtMsg(byte family, byte dstLen, byte srcLen, byte table, byte protocol, byte scope, byte type, uint flags = 0)
    {
        var s = Reserve(12);
        s[0] = family;
        s[1] = dstLen;
        s[2] = srcLen;
        s[4] = table;
        s[5] = protocol;
        s[6] = scope;
        s[7] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
    }

    /// <summary>struct ndmsg (12 bytes).</summary>
    public void NdMsg(byte family, int index, ushort state, byte flags, byte type = 0)
    {
        var s = Reserve(12);
        s[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], state);
        s[10] = flags;
        s[11] = type;
    }

    public void Attr(ushort type, scoped ReadOnlySpan<byte> value)
    {
        value.CopyTo(AttrSpan(type, value.Length));
    }

    public void AttrU8(ushort type, byte value) => AttrSpan(type, 1)[0] = value;

    public void AttrU16(ushort type, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(AttrSpan(type, 2), value);

    /// <summary>A 16-bit value in network order, as IFLA_VXLAN_PORT wants.</summary>
    public void AttrU16BigEndian(ushort type, ushort value) =>
        BinaryPrimitives.WriteUInt16BigEndian(AttrSpan(type, 2), value);

    public void AttrU32(ushort type, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(AttrSpan(type, 4), value);

    /// <summary>A NUL-terminated string (IFLA_IFNAME and most string attributes).</summary>
    public void AttrString(ushort type, string value)
    {
        var s = AttrSpan(type, Encoding.UTF8.GetByteCount(value) + 1);
        int n = Encoding.UTF8.GetBytes(value, s);
        s[n] = 0;
    }

    /// <summary>A string without terminator (IFLA_INFO_KIND, as iproute2 sends it).</summary>
    public void AttrStringNoNul(ushort type, string value)
    {
        var s = AttrSpan(type, Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, s);
    }

    /// <summary>The 4 or 16 address bytes in network order.</summary>
    public void AttrAddress(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int len);
        Attr(type, bytes[..len]);
    }

    /// <summary>Opens a nested attribute; pass the token to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int start = _position;
        var header = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        return start;
    }

    public void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], checked((ushort)(_position - start)));

    /// <summary>Writes the total length into the header and returns the finished message.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_position);
        return _buffer[.._position];
    }

    private Span<byte> AttrSpan(ushort type, int length)
    {
        var s = Reserve(4 + length);
        BinaryPrimitives.WriteUInt16LittleEndian(s, checked((ushort)(4 + length)));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        return s.Slice(4, length);
    }

    /// <summary>Takes <paramref name="length"/> bytes and the zeroed padding up to the next 4-byte boundary.</summary>
    private Span<byte> Reserve(int length)
    {
        int aligned = Align(length);
        if (_position + aligned > _buffer.Length)
        {
            throw new InvalidOperationException("netlink message does not fit its buffer");
        }

        var s = _buffer.Slice(_position, aligned);
        s.Clear();
        _position += aligned;
        return s[..length];
    }

    public static int Align(int length) => (length + 3) & ~3;
}
