using CniPlugins.Netlink;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Overlay;

/// <summary>
/// An overlay's VXLAN device, shared by all its containers on the host: made by the first user, found again by the
/// later ones, and never silently taken over when it was made for another VNI, port, underlay or group.
/// </summary>
public static class VxlanDevice
{
    /// <summary>
    /// Refuses (code 7) an existing link of <paramref name="spec"/>'s name that is not that VXLAN device; read-only,
    /// so a caller that would fail on it fails before anything is made.
    /// </summary>
    public static void RefuseIncompatible(RtnlHandle host, VxlanSpec spec)
    {
        if (host.TryGetLinkByName(spec.Name) is { } link)
        {
            Verify(link, spec, (msg, hint) => throw CniException.InvalidConfig(msg, hint));
        }
    }

    /// <summary>Creates the device when missing, brings it up (router advertisements ignored); returns it as the kernel has it.</summary>
    public static Link Ensure(RtnlHandle host, VxlanSpec spec)
    {
        if (host.TryGetLinkByName(spec.Name) is null)
        {
            try
            {
                host.VxlanAdd(spec);
            }
            catch (NetlinkException e) when (e.IsExists && host.TryGetLinkByName(spec.Name) is null)
            {
                throw CniException.InvalidConfig($"cannot create {spec.Name}: another VXLAN device already uses vni {spec.Vni} on port {spec.Port}",
                    "each VNI and port pair has one device per host; give this network another vni or port", e);
            }
        }

        RefuseIncompatible(host, spec);
        var link = host.GetLinkByName(spec.Name);
        Sysctl.SetIfPresent($"net/ipv6/conf/{spec.Name}/accept_ra", "0");
        if (!link.IsUp)
        {
            host.LinkSetUp(link.Index);
        }

        return host.GetLinkByIndex(link.Index);
    }

    /// <summary>
    /// l3: the device holds its host's subnet base address as a host route (no broadcast, no subnet route), as
    /// flannel's does, so the host's own traffic to peers leaves with an overlay source address.
    /// </summary>
    public static void EnsureAddress(RtnlHandle host, Link device, CidrAddress subnet)
    {
        try
        {
            host.AddrAdd(device.Index, CidrAddress.Host(subnet.Network.BaseAddress));
        }
        catch (NetlinkException e) when (e.IsExists)
        {
            // there from an earlier ADD or agent run
        }
    }

    /// <summary>Reports through <paramref name="fail"/> the first way <paramref name="link"/> differs from <paramref name="spec"/>.</summary>
    public static void Verify(Link link, VxlanSpec spec, Action<string, string> fail)
    {
        const string hint = "another network or an earlier config made this device; give this network another vxlanDevice name, or delete the device";
        if (VxlanInfo.FromLink(link) is not { } info)
        {
            fail($"\"{spec.Name}\" already exists and is not a VXLAN device (kind {link.Kind ?? "device"})", "choose another vxlanDevice name");
            return;
        }

        if (info.Vni != spec.Vni)
        {
            fail($"VXLAN device {spec.Name} has vni {info.Vni}, the config says {spec.Vni}", hint);
        }
        else if (info.Port != spec.Port)
        {
            fail($"VXLAN device {spec.Name} uses port {info.Port}, the config says {spec.Port}", hint);
        }
        else if (info.Local is null || !info.Local.Equals(spec.Local))
        {
            fail($"VXLAN device {spec.Name} has local address {info.Local?.ToString() ?? "none"}, the underlay's is {spec.Local}", hint);
        }
        else if (info.UnderlayIndex != 0 && info.UnderlayIndex != spec.UnderlayIndex)
        {
            fail($"VXLAN device {spec.Name} is bound to another underlay interface (index {info.UnderlayIndex}, expected {spec.UnderlayIndex})", hint);
        }
        else if (!Equals(info.Group, spec.Group))
        {
            fail($"VXLAN device {spec.Name} has group {info.Group?.ToString() ?? "none"}, the config says {spec.Group?.ToString() ?? "none"}", hint);
        }
    }
}
