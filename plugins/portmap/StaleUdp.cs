using CniPlugins.Netlink;

namespace CniPlugins.Portmap;

/// <summary>
/// UDP has no connection to end: a conntrack entry made before the rules (or for a container that is gone) keeps
/// sending the port's datagrams where it pointed. The entries for the mapped UDP host ports are deleted over
/// netlink; a failure is reported on stderr and is not the verb's failure, as in the reference.
/// </summary>
internal static class StaleUdp
{
    public static void Delete(PortmapConfig conf, bool v6)
    {
        var ports = conf.Mappings.Where(m => m.Proto == "udp" && m.HostPort is > 0 and <= 65535 && m.AppliesTo(v6))
            .Select(m => (ushort)m.HostPort).ToHashSet();
        if (ports.Count == 0)
        {
            return;
        }

        try
        {
            Conntrack.DeleteByDestinationPort(v6 ? Rtnl.AF_INET6 : Rtnl.AF_INET, Conntrack.IPPROTO_UDP, ports);
        }
        catch (Exception e) when (e is NetlinkException or IOException or InvalidDataException)
        {
            Skel.PluginLog.Warn("portmap", $"failed to delete stale UDP conntrack entries: {e.Message}");
        }
    }
}
