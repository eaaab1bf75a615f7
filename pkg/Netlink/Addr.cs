using System.Buffers.Binary;
using System.Net;
using CniPlugins.Types;

namespace CniPlugins.Netlink;

/// <summary>An interface address as RTM_NEWADDR describes it.</summary>
public sealed class Addr
{
    public int LinkIndex { get; init; }

    public CidrAddress Address { get; init; }

    public uint Flags { get; init; }

    public byte Scope { get; init; }

    public IPAddress? Broadcast { get; init; }

    public string? Label { get; init; }

    internal static bool TryParse(ushort type, ReadOnlySpan<byte> payload, out Addr addr)
    {
        addr = null!;
        if (type != Rtnl.RTM_NEWADDR || payload.Length < 8)
        {
            return false;
        }

        byte prefix = payload[1];
        uint flags = payload[2];
        byte scope = payload[3];
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        var attrs = new NetlinkAttributeReader(payload[8..]);
        while (attrs.MoveNext())
        {
            switch (attrs.Type)
            {
                case Rtnl.IFA_LOCAL: local = attrs.Address; break;
                case Rtnl.IFA_ADDRESS: address = attrs.Address; break;
                case Rtnl.IFA_BROADCAST: broadcast = attrs.Address; break;
                case Rtnl.IFA_LABEL: label = attrs.String; break;
                case Rtnl.IFA_FLAGS: flags = attrs.U32; break;
            }
        }

        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
        var ip = local ?? address;
        if (ip is null)
        {
            return false;
        }

        addr = new Addr
        {
            LinkIndex = index,
            Address = new CidrAddress(ip, prefix),
            Flags = flags,
            Scope = scope,
            Broadcast = broadcast,
            Label = label,
        };
        return true;
    }
}
