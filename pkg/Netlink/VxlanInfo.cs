using System.Buffers.Binary;
using System.Net;

namespace CniPlugins.Netlink;

/// <summary>
/// The VXLAN parameters of an existing link, decoded from IFLA_LINKINFO/IFLA_INFO_DATA of RTM_NEWLINK (see
/// drivers/net/vxlan: vxlan_fill_info). Every attribute is read at its own width and byte order: the VNI is a
/// host-order u32, the port a big-endian u16, addresses 4 bytes (LOCAL, GROUP) or 16 (LOCAL6, GROUP6).
/// </summary>
public sealed class VxlanInfo
{
    public uint Vni { get; init; }

    public ushort Port { get; init; }

    /// <summary>IFLA_VXLAN_LOCAL or LOCAL6; null when unset.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>IFLA_VXLAN_GROUP or GROUP6 (a multicast group, or the one unicast remote); null when unset.</summary>
    public IPAddress? Group { get; init; }

    /// <summary>IFLA_VXLAN_LINK; 0 when no underlay device was given.</summary>
    public int UnderlayIndex { get; init; }

    /// <summary>0 means "inherit" (iproute2 prints <c>ttl auto</c>).</summary>
    public byte Ttl { get; init; }

    public bool Learning { get; init; }

    /// <summary>The VXLAN parameters of <paramref name="link"/>; null when it is not a VXLAN device.</summary>
    /// <exception cref="InvalidDataException">An attribute has the wrong width, or the VNI or port is missing.</exception>
    public static VxlanInfo? FromLink(Link link) =>
        link.Kind == "vxlan" && link.InfoData is { } data ? Parse(data) : null;

    /// <summary>Decodes the attributes inside IFLA_INFO_DATA of a link whose kind is "vxlan".</summary>
    /// <exception cref="InvalidDataException">An attribute has the wrong width, or the VNI or port is missing.</exception>
    public static VxlanInfo Parse(ReadOnlySpan<byte> infoData)
    {
        uint? vni = null;
        ushort? port = null;
        IPAddress? local = null, group = null;
        int underlay = 0;
        byte ttl = 0;
        bool learning = false;
        var attrs = new NetlinkAttributeReader(infoData);
        while (attrs.MoveNext())
        {
            switch (attrs.Type)
            {
                case Rtnl.IFLA_VXLAN_ID: vni = BinaryPrimitives.ReadUInt32LittleEndian(Sized(attrs, 4)); break;
                case Rtnl.IFLA_VXLAN_PORT: port = BinaryPrimitives.ReadUInt16BigEndian(Sized(attrs, 2)); break;
                case Rtnl.IFLA_VXLAN_LOCAL: local = new IPAddress(Sized(attrs, 4)); break;
                case Rtnl.IFLA_VXLAN_LOCAL6: local = new IPAddress(Sized(attrs, 16)); break;
                case Rtnl.IFLA_VXLAN_GROUP: group = new IPAddress(Sized(attrs, 4)); break;
                case Rtnl.IFLA_VXLAN_GROUP6: group = new IPAddress(Sized(attrs, 16)); break;
                case Rtnl.IFLA_VXLAN_LINK: underlay = BinaryPrimitives.ReadInt32LittleEndian(Sized(attrs, 4)); break;
                case Rtnl.IFLA_VXLAN_TTL: ttl = Sized(attrs, 1)[0]; break;
                case Rtnl.IFLA_VXLAN_LEARNING: learning = Sized(attrs, 1)[0] != 0; break;
            }
        }

        // The kernel always reports both; without them a CHECK would compare against a made-up default.
        return new VxlanInfo
        {
            Vni = vni ?? throw new InvalidDataException("vxlan link info has no IFLA_VXLAN_ID"),
            Port = port ?? throw new InvalidDataException("vxlan link info has no IFLA_VXLAN_PORT"),
            Local = local,
            Group = group,
            UnderlayIndex = underlay,
            Ttl = ttl,
            Learning = learning,
        };
    }

    /// <summary>The attribute's value when it has exactly <paramref name="width"/> bytes.</summary>
    private static ReadOnlySpan<byte> Sized(NetlinkAttributeReader attr, int width) =>
        attr.Value.Length == width
            ? attr.Value
            : throw new InvalidDataException($"vxlan attribute {attr.Type} is {attr.Value.Length} bytes, expected {width}");
}
