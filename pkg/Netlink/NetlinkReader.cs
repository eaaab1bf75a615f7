using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace CniPlugins.Netlink;

/// <summary>Walks the messages of one received datagram, checking every length before it slices.</summary>
public ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram) => _rest = datagram;

    public ushort Type { get; private set; }

    public ushort Flags { get; private set; }

    public uint Seq { get; private set; }

    public uint PortId { get; private set; }

    /// <summary>The message after its 16-byte header.</summary>
    public ReadOnlySpan<byte> Payload { get; private set; }

    public bool MoveNext()
    {
        if (_rest.Length < Rtnl.NlMsgHdrLen)
        {
            return false;
        }

        uint len = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (len < Rtnl.NlMsgHdrLen || len > _rest.Length)
        {
            throw new InvalidDataException($"malformed netlink message length {len}");
        }

        Type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]);
        Flags = BinaryPrimitives.ReadUInt16LittleEndian(_rest[6..]);
        Seq = BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]);
        PortId = BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]);
        Payload = _rest[Rtnl.NlMsgHdrLen..(int)len];
        int next = Math.Min(NetlinkWriter.Align((int)len), _rest.Length);
        _rest = _rest[next..];
        return true;
    }
}

/// <summary>Walks a run of netlink attributes (struct nlattr), checking every length before it slices.</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    /// <summary>The attribute type without the NESTED and NET_BYTEORDER flags.</summary>
    public ushort Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        ushort len = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (len < 4 || len > _rest.Length)
        {
            throw new InvalidDataException($"malformed netlink attribute length {len}");
        }

        Type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & Rtnl.NLA_TYPE_MASK);
        Value = _rest[4..len];
        _rest = _rest[Math.Min(NetlinkWriter.Align(len), _rest.Length)..];
        return true;
    }

    public readonly byte U8 => Value.Length >= 1 ? Value[0] : throw Short();

    public readonly uint U32 => BinaryPrimitives.ReadUInt32LittleEndian(Value);

    public readonly int I32 => BinaryPrimitives.ReadInt32LittleEndian(Value);

    /// <summary>The value as text, up to the first NUL.</summary>
    public readonly string String
    {
        get
        {
            int nul = Value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(nul >= 0 ? Value[..nul] : Value);
        }
    }

    public readonly IPAddress Address => Value.Length is 4 or 16 ? new IPAddress(Value) : throw Short();

    private readonly InvalidDataException Short() => new($"netlink attribute {Type} too short ({Value.Length} bytes)");
}
