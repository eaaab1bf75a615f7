using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Ipam;

/// <summary>
/// Applies an IPAM result to the container's interface, as the reference's ipam.ConfigureIface: addresses of the
/// IPs that point at <c>ifName</c>, IPv6 enabled first when needed, link up, DAD settled when an IPv6 gateway is
/// used, then the routes (their gateway defaulting to the first gateway of their family).
/// </summary>
public static class InterfaceConfigurator
{
    private static readonly TimeSpan s_settleTimeout = TimeSpan.FromSeconds(10);

    /// <param name="ns">The container namespace (sysctls are set inside it).</param>
    /// <param name="rtnl">A handle opened in <paramref name="ns"/>.</param>
    public static void Configure(NetNs ns, RtnlHandle rtnl, string ifName, Result result)
    {
        if (result.Interfaces is not { Count: > 0 })
        {
            throw new InvalidOperationException("no interfaces to configure");
        }

        var link = rtnl.GetLinkByName(ifName);
        IPAddress? v4gw = null, v6gw = null;
        bool ipv6Enabled = false;
        foreach (var ipc in result.Ips ?? [])
        {
            if (ipc.Interface is not int idx)
            {
                continue;
            }

            if (idx < 0 || idx >= result.Interfaces.Count || result.Interfaces[idx].Name != ifName)
            {
                throw new InvalidOperationException($"failed to add IP addr {ipc.Address} to \"{ifName}\": invalid interface index");
            }

            if (!ipc.Address.IsIPv4 && !ipv6Enabled)
            {
                EnableIPv6(ns, ifName);
                ipv6Enabled = true;
            }

            rtnl.AddrAdd(link.Index, ipc.Address);
            if (ipc.Gateway is { } gw)
            {
                if (ipc.Address.IsIPv4)
                {
                    v4gw ??= gw;
                }
                else
                {
                    v6gw ??= gw;
                }
            }
        }

        rtnl.LinkSetUp(link.Index);
        if (v6gw is not null)
        {
            SettleAddresses(rtnl, link.Index, ifName);
        }

        foreach (var r in result.Routes ?? [])
        {
            bool v4 = r.Dst.IsIPv4;
            rtnl.RouteAdd(new RouteEntry
            {
                Dst = r.Dst,
                Gateway = r.Gw ?? (v4 ? v4gw : v6gw),
                OutputIndex = link.Index,
                Mtu = (uint)r.Mtu,
                AdvMss = (uint)r.AdvMss,
                Priority = (uint)r.Priority,
                Table = r.Table is int t ? (uint)t : Rtnl.RT_TABLE_MAIN,
                Scope = r.Scope is int s ? (byte)s : Rtnl.RT_SCOPE_UNIVERSE,
            });
        }
    }

    /// <summary>IPv6 may be disabled in a new namespace; addresses need it on lo and the interface, and kept on down.</summary>
    private static void EnableIPv6(NetNs ns, string ifName) => ns.Run(() =>
    {
        foreach (string name in new[] { "lo", ifName })
        {
            Sysctl.SetIfPresent($"net/ipv6/conf/{name}/disable_ipv6", "0");
        }

        Sysctl.SetIfPresent($"net/ipv6/conf/{ifName}/keep_addr_on_down", "1");
    });

    /// <summary>Waits until no IPv6 address of the link is tentative, so routes via the gateway can be added.</summary>
    private static void SettleAddresses(RtnlHandle rtnl, int linkIndex, string ifName)
    {
        var deadline = DateTime.UtcNow + s_settleTimeout;
        while (true)
        {
            bool tentative = false;
            foreach (var addr in rtnl.AddrList(linkIndex, Interop.AF_INET6))
            {
                if ((addr.Flags & Rtnl.IFA_F_DADFAILED) != 0)
                {
                    throw new IOException($"link {ifName} has address {addr.Address} in DADFAILED state");
                }

                tentative |= (addr.Flags & Rtnl.IFA_F_TENTATIVE) != 0 && addr.Scope == Rtnl.RT_SCOPE_UNIVERSE;
            }

            if (!tentative)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"link {ifName} still has tentative addresses after {s_settleTimeout.TotalSeconds}s");
            }

            Thread.Sleep(50);
        }
    }
}
