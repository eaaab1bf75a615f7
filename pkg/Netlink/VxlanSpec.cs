using System.Net;

namespace CniPlugins.Netlink;

/// <summary>
/// A VXLAN device to create (<see cref="RtnlHandle.VxlanAdd"/>). Local and group are one family: IPv4 addresses go
/// in IFLA_VXLAN_LOCAL/GROUP, IPv6 ones in IFLA_VXLAN_LOCAL6/GROUP6; the kernel refuses a mix.
/// </summary>
public sealed class VxlanSpec
{
    public required string Name { get; init; }

    /// <summary>The VNI, below 2^24 (the kernel refuses larger).</summary>
    public required uint Vni { get; init; }

    /// <summary>The UDP destination port, written big-endian; 4789 is the IANA port (the kernel's own default is 8472).</summary>
    public ushort Port { get; init; } = 4789;

    /// <summary>The source address of the outer packets; null lets the kernel choose per packet.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>A multicast group for broadcast and unknown unicast; null for unicast peers (FDB entries).</summary>
    public IPAddress? Group { get; init; }

    /// <summary>IFLA_VXLAN_LINK: the underlay device; 0 for none.</summary>
    public int UnderlayIndex { get; init; }

    /// <summary>TTL of the outer packets; 0 leaves the kernel's default (inherit from the route).</summary>
    public byte Ttl { get; init; }

    /// <summary>Learn remote MACs from received packets (the kernel's default); off when peers are configured.</summary>
    public bool Learning { get; init; } = true;

    /// <summary>0 leaves the kernel's default (underlay MTU minus the encapsulation).</summary>
    public int Mtu { get; init; }

    /// <summary>The device's own MAC; null lets the kernel pick a random one.</summary>
    public byte[]? HardwareAddr { get; init; }
}
