using CniPlugins.Netlink;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// The network's VXLAN device, shared by all its containers on the host: made by the first ADD, found again by the
/// later ones, and never silently taken over when it was made for another VNI, port or underlay.
/// </summary>
internal static class VxlanDevice
{
    /// <summary>
    /// Refuses (code 7) an existing link of the device's name that is not this network's VXLAN device; read-only,
    /// so an ADD that would fail on it fails before anything is made.
    /// </summary>
    public static void RefuseIncompatible(RtnlHandle host, VxlanConfig conf, Underlay underlay)
    {
        if (host.TryGetLinkByName(conf.DeviceName) is { } link)
        {
            Verify(link, conf, underlay, (msg, hint) => throw CniException.InvalidConfig(msg, hint));
        }
    }

    /// <summary>Creates the device when missing (MTU, VTEP MAC in l3), brings it up; returns it as the kernel has it.</summary>
    public static Link Ensure(RtnlHandle host, VxlanConfig conf, Underlay underlay, int mtu)
    {
        if (host.TryGetLinkByName(conf.DeviceName) is null)
        {
            try
            {
                host.VxlanAdd(new VxlanSpec
                {
                    Name = conf.DeviceName,
                    Vni = (uint)conf.Vni,
                    Port = (ushort)conf.Port,
                    Local = underlay.Local,
                    UnderlayIndex = underlay.Link.Index,
                    Group = conf.GroupAddress,
                    Ttl = (byte)conf.Ttl,
                    Learning = !conf.IsL3 && conf.Learning != false,
                    Mtu = mtu,
                    HardwareAddr = conf.IsL3 ? VtepMac.ForUnderlay(underlay.Local) : null,
                });
            }
            catch (NetlinkException e) when (e.IsExists && host.TryGetLinkByName(conf.DeviceName) is null)
            {
                throw CniException.InvalidConfig($"cannot create {conf.DeviceName}: another VXLAN device already uses vni {conf.Vni} on port {conf.Port}",
                    "each VNI and port pair has one device per host; give this network another vni or port", e);
            }
        }

        var link = host.GetLinkByName(conf.DeviceName);
        RefuseIncompatible(host, conf, underlay);
        Sysctl.SetIfPresent($"net/ipv6/conf/{conf.DeviceName}/accept_ra", "0");
        if (!link.IsUp)
        {
            host.LinkSetUp(link.Index);
        }

        return host.GetLinkByIndex(link.Index);
    }

    /// <summary>Reports through <paramref name="fail"/> the first way <paramref name="link"/> differs from the config.</summary>
    public static void Verify(Link link, VxlanConfig conf, Underlay underlay, Action<string, string> fail)
    {
        const string hint = "another network or an earlier config made this device; give this network another vxlanDevice name, or delete the device";
        if (VxlanInfo.FromLink(link) is not { } info)
        {
            fail($"\"{conf.DeviceName}\" already exists and is not a VXLAN device (kind {link.Kind ?? "device"})", "choose another vxlanDevice name");
            return;
        }

        if (info.Vni != conf.Vni)
        {
            fail($"VXLAN device {conf.DeviceName} has vni {info.Vni}, the config says {conf.Vni}", hint);
        }
        else if (info.Port != conf.Port)
        {
            fail($"VXLAN device {conf.DeviceName} uses port {info.Port}, the config says {conf.Port}", hint);
        }
        else if (info.Local is null || !info.Local.Equals(underlay.Local))
        {
            fail($"VXLAN device {conf.DeviceName} has local address {info.Local?.ToString() ?? "none"}, the underlay's is {underlay.Local}", hint);
        }
        else if (info.UnderlayIndex != 0 && info.UnderlayIndex != underlay.Link.Index)
        {
            fail($"VXLAN device {conf.DeviceName} is bound to another underlay interface than {underlay.Link.Name}", hint);
        }
        else if (!Equals(info.Group, conf.GroupAddress))
        {
            fail($"VXLAN device {conf.DeviceName} has group {info.Group?.ToString() ?? "none"}, the config says {conf.GroupAddress?.ToString() ?? "none"}", hint);
        }
    }
}
