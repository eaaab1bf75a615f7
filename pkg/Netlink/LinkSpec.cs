namespace CniPlugins.Netlink;

/// <summary>Writes the kind-specific IFLA_INFO_DATA of a new link.</summary>
public delegate void InfoDataWriter(ref NetlinkWriter writer);

/// <summary>What RTM_NEWLINK creates: the attributes all kinds share.</summary>
public sealed class LinkSpec
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    /// <summary>0 leaves the kernel's default.</summary>
    public int Mtu { get; init; }

    public byte[]? HardwareAddr { get; init; }

    /// <summary>IFLA_LINK: the parent for macvlan/vlan, 0 for none.</summary>
    public int ParentIndex { get; init; }

    /// <summary>IFLA_NET_NS_FD: create the link straight into this namespace, -1 for the handle's own.</summary>
    public int NetnsFd { get; init; } = -1;

    /// <summary>Written inside IFLA_INFO_DATA when set.</summary>
    public InfoDataWriter? InfoData { get; init; }
}
