using System.Buffers.Binary;
using System.Net;
using CniPlugins.Types;

namespace CniPlugins.Netlink;

/// <summary>A route as RTM_NEWROUTE describes it. A null <see cref="Dst"/> is the default route.</summary>
public sealed class RouteEntry
{
    public byte Family { get; init; }

    public CidrAddress? Dst { get; init; }

    public IPAddress? Gateway { get; init; }

    public IPAddress? PrefSrc { get; init; }

    public int OutputIndex { get; init; }

    public uint Priority { get; init; }

    public uint Table { get; init; } = Rtnl.RT_TABLE_MAIN;

    public byte Protocol { get; init; } = Rtnl.RTPROT_BOOT;

    public byte Scope { get; init; } = Rtnl.RT_SCOPE_UNIVERSE;

    public byte Type { get; init; } = Rtnl.RTN_UNICAST;

    public uint Flags { get; init; }

    public uint Mtu { get; init; }

    public uint AdvMss { get; init; }

    internal static bool TryParse(ushort type, ReadOnlySpan<byte> payload, out RouteEntry route)
    {
        route = null!;
        if (type != Rtnl.RTM_NEWROUTE || payload.Length < 12)
        {
            return false;
        }

        byte family = payload[0];
        byte dstLen = payload[1];
        uint table = payload[4];
        IPAddress? dst = null, gw = null, src = null;
        int oif = 0;
        uint priority = 0, mtu = 0, advmss = 0;
        var attrs = new NetlinkAttributeReader(payload[12..]);
        while (attrs.MoveNext())
        {
            switch (attrs.Type)
            {
                case Rtnl.RTA_DST: dst = attrs.Address; break;
                case Rtnl.RTA_GATEWAY: gw = attrs.Address; break;
                case Rtnl.RTA_PREFSRC: src = attrs.Address; break;
                case Rtnl.RTA_OIF: oif = attrs.I32; break;
                case Rtnl.RTA_PRIORITY: priority = attrs.U32; break;
                case Rtnl.RTA_TABLE: table = attrs.U32; break;
                case Rtnl.RTA_METRICS:
                    var metrics = new NetlinkAttributeReader(attrs.Value);
                    while (metrics.MoveNext())
                    {
                        if (metrics.Type == Rtnl.RTAX_MTU)
                        {
                            mtu = metrics.U32;
                        }
                        else if (metrics.Type == Rtnl.RTAX_ADVMSS)
                        {
                            advmss = metrics.U32;
                        }
                    }

                    break;
            }
        }

        route = new RouteEntry
        {
            Family = family,
            Dst = dst is null ? null : new CidrAddress(dst, dstLen),
            Gateway = gw,
            PrefSrc = src,
            OutputIndex = oif,
            Priority = priority,
            Table = table,
            Protocol = payload[5],
            Scope = payload[6],
            Type = payload[7],
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]),
            Mtu = mtu,
            AdvMss = advmss,
        };
        return true;
    }
}
