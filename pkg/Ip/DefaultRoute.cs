using CniPlugins.Netlink;

namespace CniPlugins.Ip;

/// <summary>The interface that carries the default route: the reference's default for a plugin's "master".</summary>
public static class DefaultRoute
{
    /// <summary>
    /// Name of the outgoing link of the first default route in the main table of <paramref name="rtnl"/>'s
    /// namespace (IPv4 first, as the kernel dumps them); null when there is none.
    /// </summary>
    public static string? TryGetInterfaceName(RtnlHandle rtnl)
    {
        foreach (var route in rtnl.RouteList(Interop.AF_UNSPEC, Rtnl.RT_TABLE_MAIN))
        {
            if ((route.Dst is null || route.Dst.Value.PrefixLength == 0) && route.OutputIndex > 0 &&
                rtnl.TryGetLinkByIndex(route.OutputIndex) is { } link)
            {
                return link.Name;
            }
        }

        return null;
    }
}
