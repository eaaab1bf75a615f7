using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>The reference's calcGateways and ensureAddr: gateway addresses per family and their place on the bridge.</summary>
public static class Gateways
{
    /// <summary>
    /// Points every IP at the container interface (index 2), fills in the gateway (network + 1) when the bridge is
    /// the gateway and IPAM gave none, and adds a default route per family when asked and IPAM gave none with a
    /// gateway. Returns the gateway addresses to put on the bridge (gateway IP with the container IP's prefix).
    /// </summary>
    public static List<CidrAddress> Calculate(Result result, bool isGateway, bool isDefaultGateway)
    {
        var gateways = new List<CidrAddress>();
        bool v4DefaultFound = false, v6DefaultFound = false;
        foreach (var ipc in result.Ips ?? [])
        {
            bool v4 = ipc.Address.IsIPv4;
            ipc.Interface = 2;
            if (ipc.Gateway is null && isGateway)
            {
                ipc.Gateway = IpMath.Next(ipc.Address.Network.BaseAddress);
            }

            if (isDefaultGateway)
            {
                ref bool found = ref v4 ? ref v4DefaultFound : ref v6DefaultFound;
                found |= result.Routes?.Exists(r => r.Gw is not null && r.Dst.PrefixLength == 0 && r.Dst.IsIPv4 == v4) == true;
                if (!found)
                {
                    result.Routes ??= [];
                    result.Routes.Add(new Route { Dst = new CidrAddress(v4 ? IPAddress.Any : IPAddress.IPv6Any, 0), Gw = ipc.Gateway });
                    found = true;
                }
            }

            if (isGateway && ipc.Gateway is not null)
            {
                gateways.Add(new CidrAddress(ipc.Gateway, ipc.Address.PrefixLength));
            }
        }

        return gateways;
    }

    /// <summary>
    /// Puts <paramref name="gateway"/> on the bridge. IPv4 allows one address (another one is an error unless
    /// forceAddress replaces it); IPv6 allows several as long as their subnets do not overlap.
    /// </summary>
    public static void EnsureAddress(RtnlHandle host, Link bridge, CidrAddress gateway, bool forceAddress)
    {
        foreach (var a in host.AddrList(bridge.Index, gateway.IsIPv4 ? Rtnl.AF_INET : Rtnl.AF_INET6))
        {
            if (a.Address == gateway)
            {
                return;
            }

            if (a.Scope == Rtnl.RT_SCOPE_LINK && !gateway.IsIPv4)
            {
                continue; // the bridge's own fe80:: address
            }

            if (gateway.IsIPv4 || a.Address.Contains(gateway.Address) || gateway.Contains(a.Address.Address))
            {
                if (!forceAddress)
                {
                    throw new CniException(ErrorCode.Internal,
                        $"failed to set bridge addr: \"{bridge.Name}\" already has an IP address different from {gateway}");
                }

                host.AddrDel(bridge.Index, a.Address);
            }
        }

        try
        {
            host.AddrAdd(bridge.Index, gateway);
        }
        catch (NetlinkException e) when (e.IsExists)
        {
            // a concurrent ADD on the same bridge put it there first
        }

        // Pin the bridge's MAC to its current one: otherwise it follows the lowest port MAC and changes as
        // containers come and go, breaking neighbours' ARP caches.
        host.LinkSetHardwareAddr(bridge.Index, host.GetLinkByIndex(bridge.Index).HardwareAddr);
    }
}
