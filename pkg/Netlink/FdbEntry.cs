using System.Buffers.Binary;
using System.Net;

namespace CniPlugins.Netlink;

/// <summary>
/// A forwarding entry of a VXLAN device (family AF_BRIDGE, NTF_SELF): frames for <see cref="Mac"/> (all zeros: every
/// broadcast and unknown destination) are sent to the remote VTEP <see cref="Dst"/>. One MAC may have several
/// entries, one per remote, each reported as its own message.
/// </summary>
public sealed class FdbEntry
{
    public int LinkIndex { get; init; }

    public byte[] Mac { get; init; } = new byte[6];

    /// <summary>NDA_DST: the remote VTEP's underlay address (4 or 16 bytes).</summary>
    public IPAddress? Dst { get; init; }

    /// <summary>NDA_PORT (big-endian on the wire); 0 means the device's own port, which the kernel then omits.</summary>
    public ushort Port { get; init; }

    /// <summary>NDA_VNI (a host-order u32); null means the device's own VNI, which the kernel then omits.</summary>
    public uint? Vni { get; init; }

    /// <summary>NDA_IFINDEX: the underlay device to send through (<c>via</c>); 0 for none.</summary>
    public int ViaIndex { get; init; }

    /// <summary>iproute2 sends NUD_NOARP|NUD_PERMANENT for an entry that is neither "dynamic" nor "temp".</summary>
    public ushort State { get; init; } = Rtnl.NUD_NOARP | Rtnl.NUD_PERMANENT;

    /// <summary>NTF_SELF: the entry belongs to the VXLAN device itself, not to a bridge it is a port of.</summary>
    public byte Flags { get; init; } = Rtnl.NTF_SELF;

    public bool IsAllZeroMac => Mac.AsSpan().IndexOfAnyExcept((byte)0) < 0;

    internal static bool TryParse(ushort type, ReadOnlySpan<byte> payload, out FdbEntry entry)
    {
        entry = null!;
        if (type != Rtnl.RTM_NEWNEIGH || payload.Length < 12 || payload[0] != Rtnl.AF_BRIDGE)
        {
            return false;
        }

        IPAddress? dst = null;
        byte[] mac = [];
        ushort port = 0;
        uint? vni = null;
        int via = 0;
        var attrs = new NetlinkAttributeReader(payload[12..]);
        while (attrs.MoveNext())
        {
            var v = attrs.Value;
            switch (attrs.Type)
            {
                case Rtnl.NDA_DST: dst = v.Length is 4 or 16 ? new IPAddress(v) : throw Width(attrs.Type, v.Length, "4 or 16"); break;
                case Rtnl.NDA_LLADDR: mac = v.ToArray(); break;
                case Rtnl.NDA_PORT: port = v.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(v) : throw Width(attrs.Type, v.Length, "2"); break;
                case Rtnl.NDA_VNI: vni = v.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(v) : throw Width(attrs.Type, v.Length, "4"); break;
                case Rtnl.NDA_IFINDEX: via = v.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(v) : throw Width(attrs.Type, v.Length, "4"); break;
            }
        }

        entry = new FdbEntry
        {
            LinkIndex = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]),
            State = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]),
            Flags = payload[10],
            Mac = mac,
            Dst = dst,
            Port = port,
            Vni = vni,
            ViaIndex = via,
        };
        return true;
    }

    private static InvalidDataException Width(ushort type, int length, string expected) =>
        new($"fdb attribute {type} is {length} bytes, expected {expected}");
}
