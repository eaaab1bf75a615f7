using System.Net;
using System.Net.Sockets;
using CniPlugins.Ip;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// The host's side of the tunnel: the interface VXLAN packets leave by, the local address they come from, and the
/// overlay MTU that follows from it.
/// </summary>
internal sealed record Underlay(Link Link, IPAddress Local)
{
    /// <summary>Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14); an IPv6 outer header is 40.</summary>
    private const int OverheadV4 = 50, OverheadV6 = 70;

    /// <summary>
    /// The configured MTU, or the underlay's less the encapsulation. A larger configured one is refused: the kernel
    /// holds the VXLAN device (and so the bridge) to the underlay's less the encapsulation whatever it is asked, and
    /// veths above it would send frames the tunnel drops.
    /// </summary>
    public int OverlayMtu(VxlanConfig conf)
    {
        int max = Link.Mtu - (Local.AddressFamily == AddressFamily.InterNetwork ? OverheadV4 : OverheadV6);
        if (conf.Mtu > max)
        {
            throw CniException.InvalidConfig($"mtu {conf.Mtu} does not fit the underlay: {Link.Name} has MTU {Link.Mtu}, the encapsulation takes {Link.Mtu - max}",
                $"set mtu to {max} or less, or leave it out");
        }

        return conf.Mtu > 0 ? conf.Mtu : max;
    }

    /// <summary>
    /// <c>underlayInterface</c>, else the interface holding <c>localIP</c>, else the default route's; the local
    /// address is <c>localIP</c>, else the interface's first global address of the peers' family (IPv4 when unsaid).
    /// </summary>
    /// <param name="code">The error code when something is missing: 7 for a config that names it, 50 for STATUS.</param>
    public static Underlay Resolve(RtnlHandle host, VxlanConfig conf, int code = ErrorCode.InvalidNetworkConfig)
    {
        var addrs = host.AddrList();
        Link link;
        if (!string.IsNullOrEmpty(conf.UnderlayInterface))
        {
            link = host.TryGetLinkByName(conf.UnderlayInterface)
                ?? throw Missing(code, $"underlay interface \"{conf.UnderlayInterface}\" not found", "underlayInterface names a link of the host");
        }
        else if (conf.LocalAddress is { } wanted)
        {
            var holder = addrs.Find(a => a.Address.Address.Equals(wanted))
                ?? throw Missing(code, $"localIP {wanted} is not an address of this host", "localIP is the host's own underlay address");
            link = host.GetLinkByIndex(holder.LinkIndex);
        }
        else
        {
            link = (DefaultRoute.TryGetInterfaceName(host) is { } name ? host.TryGetLinkByName(name) : null)
                ?? throw Missing(code, "no default route to find the underlay interface by", "set underlayInterface or localIP");
        }

        if (conf.LocalAddress is { } local)
        {
            if (!addrs.Exists(a => a.LinkIndex == link.Index && a.Address.Address.Equals(local)))
            {
                throw Missing(code, $"localIP {local} is not an address of underlay interface {link.Name}", "pick an address of that interface");
            }

            return new Underlay(link, local);
        }

        var family = conf.GroupAddress?.AddressFamily ?? conf.PeerList.FirstOrDefault()?.Underlay.AddressFamily ?? AddressFamily.InterNetwork;
        var first = addrs.Find(a => a.LinkIndex == link.Index && a.Scope == Rtnl.RT_SCOPE_UNIVERSE && a.Address.Address.AddressFamily == family)
            ?? throw Missing(code, $"underlay interface {link.Name} has no global {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address",
                "give the interface an address, or set localIP");
        return new Underlay(link, first.Address.Address);
    }

    private static CniException Missing(int code, string message, string hint) => new(code, message, hint);
}
