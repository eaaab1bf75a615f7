using System.Buffers.Binary;
using System.Net;

namespace CniPlugins.Netlink;

/// <summary>A neighbour or FDB entry as RTM_NEWNEIGH describes it (family AF_BRIDGE for FDB).</summary>
public sealed class Neigh
{
    public byte Family { get; init; }

    public int LinkIndex { get; init; }

    public ushort State { get; init; }

    public byte Flags { get; init; }

    public IPAddress? Ip { get; init; }

    public byte[] HardwareAddr { get; init; } = [];

    internal static bool TryParse(ushort type, ReadOnlySpan<byte> payload, out Neigh neigh)
    {
        neigh = null!;
        if (type != Rtnl.RTM_NEWNEIGH || payload.Length < 12)
        {
            return false;
        }

        IPAddress? ip = null;
        byte[] mac = [];
        var attrs = new NetlinkAttributeReader(payload[12..]);
        while (attrs.MoveNext())
        {
            if (attrs.Type == Rtnl.NDA_DST && attrs.Value.Length is 4 or 16)
            {
                ip = attrs.Address;
            }
            else if (attrs.Type == Rtnl.NDA_LLADDR)
            {
                mac = attrs.Value.ToArray();
            }
        }

        neigh = new Neigh
        {
            Family = payload[0],
            LinkIndex = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]),
            State = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]),
            Flags = payload[10],
            Ip = ip,
            HardwareAddr = mac,
        };
        return true;
    }
}
