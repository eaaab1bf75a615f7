using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Skel;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>
/// The container end of a veth attachment (bridge, vxlan): its sysctls on ADD, its removal on DEL, and the
/// addresses DEL needs to find the attachment's firewall rules.
/// </summary>
public static class ContainerLink
{
    /// <summary>
    /// Container-side sysctls, to be run inside the container's namespace: IPv6 DAD as configured, gratuitous ARP
    /// when the link or its address changes.
    /// </summary>
    public static void SetSysctls(string ifName, bool enableDad)
    {
        if (enableDad)
        {
            Sysctl.SetIfPresent($"net/ipv6/conf/{ifName}/enhanced_dad", "1");
            Sysctl.SetIfPresent($"net/ipv6/conf/{ifName}/accept_dad", "1");
        }
        else
        {
            Sysctl.SetIfPresent($"net/ipv6/conf/{ifName}/accept_dad", "0");
        }

        Sysctl.Set($"net/ipv4/conf/{ifName}/arp_notify", "1");
    }

    /// <summary>
    /// Deletes the container's interface and returns the global addresses it held; when the namespace or the
    /// interface is already gone, returns the addresses of <paramref name="conf"/>'s prevResult instead (an
    /// unreadable prevResult gives none: it must not make DEL fail).
    /// </summary>
    public static List<CidrAddress> Delete(CmdArgs args, NetConf conf) => DeleteLink(args) ?? PrevResultAddresses(conf);

    private static List<CidrAddress>? DeleteLink(CmdArgs args)
    {
        using var ns = NetNs.TryOpen(args.Netns);
        if (ns is null)
        {
            return null;
        }

        using var container = RtnlHandle.OpenIn(ns);
        if (container.TryGetLinkByName(args.IfName) is not { } link)
        {
            return null;
        }

        var addresses = container.AddrList(link.Index)
            .Where(a => a.Scope == Rtnl.RT_SCOPE_UNIVERSE && !IPAddress.IsLoopback(a.Address.Address))
            .Select(a => a.Address)
            .ToList();
        container.TryLinkDel(link.Index); // removed meanwhile or not, the outcome is the same
        return addresses;
    }

    private static List<CidrAddress> PrevResultAddresses(NetConf conf)
    {
        try
        {
            return conf.ParsePrevResult()?.Ips?.Select(i => i.Address).ToList() ?? [];
        }
        catch (CniException)
        {
            return [];
        }
    }
}
