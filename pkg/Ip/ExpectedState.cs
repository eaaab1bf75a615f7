using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>
/// CHECK's comparison of a prevResult with the kernel, as the reference's ip.ValidateExpectedInterfaceIPs and
/// ip.ValidateExpectedRoute: every address is on the interface with a route to its subnet, every route is in
/// the table. Extra addresses or routes (added by later plugins in a chain) are fine.
/// </summary>
public static class ExpectedState
{
    /// <param name="rtnl">A handle in the namespace holding <paramref name="ifName"/>.</param>
    public static void ValidateInterfaceIps(RtnlHandle rtnl, string ifName, IEnumerable<IPConfig> ips)
    {
        foreach (var ipc in ips)
        {
            var link = rtnl.TryGetLinkByName(ifName)
                ?? throw new CniException(ErrorCode.Internal, $"cannot find container link {ifName}");
            if (!rtnl.AddrList(link.Index).Exists(a => a.Address == ipc.Address))
            {
                throw new CniException(ErrorCode.Internal, $"failed to match addr {ipc.Address} on interface {ifName}");
            }

            var subnet = new CidrAddress(CidrAddress.Mask(ipc.Address.Address, ipc.Address.PrefixLength), ipc.Address.PrefixLength);
            if (!rtnl.RouteList(Family(ipc.Address)).Exists(r => r.Dst == subnet))
            {
                throw new CniException(ErrorCode.Internal,
                    $"failed to find gateway {ipc.Gateway?.ToString() ?? "<nil>"} for interface {ifName}: no route to {subnet}");
            }
        }
    }

    /// <param name="rtnl">A handle in the namespace whose routing table must hold the routes.</param>
    public static void ValidateRoutes(RtnlHandle rtnl, IEnumerable<Route> routes)
    {
        foreach (var route in routes)
        {
            bool isDefault = route.Dst.PrefixLength == 0;
            uint table = route.Table is int t ? (uint)t : Rtnl.RT_TABLE_MAIN;
            bool found = rtnl.RouteList(Family(route.Dst), table).Exists(r =>
                isDefault
                    ? r.Dst is null || r.Dst.Value.PrefixLength == 0
                    : r.Dst == route.Dst && (route.Gw is null || route.Gw.Equals(r.Gateway)));
            if (!found)
            {
                throw new CniException(ErrorCode.Internal,
                    $"expected route {route.Dst} via {route.Gw?.ToString() ?? "<nil>"} not found in routing table");
            }
        }
    }

    private static byte Family(CidrAddress a) => a.IsIPv4 ? (byte)Interop.AF_INET : (byte)Interop.AF_INET6;
}
