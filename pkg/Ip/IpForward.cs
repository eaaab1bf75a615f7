using CniPlugins.Sys;

namespace CniPlugins.Ip;

/// <summary>Routing between interfaces of the calling namespace, as the reference's ip.EnableIP4Forward/EnableIP6Forward.</summary>
public static class IpForward
{
    public static void Enable(bool ipv4)
    {
        if (ipv4)
        {
            Sysctl.Set("net/ipv4/ip_forward", "1");
        }
        else
        {
            Sysctl.SetIfPresent("net/ipv6/conf/all/forwarding", "1");
        }
    }
}
