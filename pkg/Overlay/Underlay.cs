using System.Net;
using System.Net.Sockets;
using CniPlugins.Ip;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Overlay;

/// <summary>
/// The host's side of a tunnel: the interface VXLAN packets leave by and the local address they come from, which
/// also give the overlay's MTU.
/// </summary>
public sealed record Underlay(Link Link, IPAddress Local)
{
    /// <summary>Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14); an IPv6 outer header is 40.</summary>
    private const int OverheadV4 = 50, OverheadV6 = 70;

    /// <summary><paramref name="configured"/> when set, else the underlay's MTU less the encapsulation.</summary>
    public int OverlayMtu(int configured = 0) =>
        configured > 0 ? configured : Link.Mtu - (Local.AddressFamily == AddressFamily.InterNetwork ? OverheadV4 : OverheadV6);

    /// <summary>
    /// <paramref name="interfaceName"/>, else the interface holding <paramref name="localIp"/>, else the default
    /// route's; the local address is <paramref name="localIp"/>, else the interface's first global address of
    /// <paramref name="family"/>.
    /// </summary>
    /// <param name="code">The error code when something is missing: 7 for a config that names it, 50 for STATUS.</param>
    public static Underlay Resolve(RtnlHandle host, string? interfaceName, IPAddress? localIp, AddressFamily family,
        int code = ErrorCode.InvalidNetworkConfig)
    {
        var addrs = host.AddrList();
        Link link;
        if (!string.IsNullOrEmpty(interfaceName))
        {
            link = host.TryGetLinkByName(interfaceName)
                ?? throw new CniException(code, $"underlay interface \"{interfaceName}\" not found", "name a link of the host");
        }
        else if (localIp is not null)
        {
            var holder = addrs.Find(a => a.Address.Address.Equals(localIp))
                ?? throw new CniException(code, $"local address {localIp} is not an address of this host", "give the host's own underlay address");
            link = host.GetLinkByIndex(holder.LinkIndex);
        }
        else
        {
            link = (DefaultRoute.TryGetInterfaceName(host) is { } name ? host.TryGetLinkByName(name) : null)
                ?? throw new CniException(code, "no default route to find the underlay interface by", "name the underlay interface or the local address");
        }

        if (localIp is not null)
        {
            return addrs.Exists(a => a.LinkIndex == link.Index && a.Address.Address.Equals(localIp))
                ? new Underlay(link, localIp)
                : throw new CniException(code, $"local address {localIp} is not an address of underlay interface {link.Name}", "pick an address of that interface");
        }

        var first = addrs.Find(a => a.LinkIndex == link.Index && a.Scope == Rtnl.RT_SCOPE_UNIVERSE && a.Address.Address.AddressFamily == family)
            ?? throw new CniException(code, $"underlay interface {link.Name} has no global {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address",
                "give the interface an address, or name the local address");
        return new Underlay(link, first.Address.Address);
    }
}
