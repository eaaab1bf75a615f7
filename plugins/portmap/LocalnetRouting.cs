using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Sys;

namespace CniPlugins.Portmap;

/// <summary>
/// Publishing to localhost: a connection to 127.0.0.1:hostPort is DNAT'ed to the container, and the kernel drops
/// packets from 127/8 that cross to another interface unless that interface has <c>route_localnet</c>. The
/// interface is the one the host routes the container's address through, found with one route lookup.
/// </summary>
internal static class LocalnetRouting
{
    public static void Enable(IPAddress container)
    {
        using var rtnl = RtnlHandle.Open();
        RouteEntry route;
        try
        {
            route = rtnl.RouteGet(container);
        }
        catch (NetlinkException)
        {
            return; // no route to the container from here: nothing would cross, as the reference leaves it
        }

        if (rtnl.TryGetLinkByIndex(route.OutputIndex) is { } link)
        {
            Sysctl.Set($"net/ipv4/conf/{link.Name}/route_localnet", "1");
        }
    }
}
