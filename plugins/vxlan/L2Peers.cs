using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// Head-end replication in l2 mode: one all-zero-MAC FDB entry per peer on the VXLAN device, so broadcast and
/// unknown unicast go to every other host (<c>bridge fdb append 00:00:00:00:00:00 dev vxlanN dst PEER</c>).
/// </summary>
internal static class L2Peers
{
    /// <summary>Adds the entries of the config's peers that are missing and removes those of peers no longer listed.</summary>
    public static void Sync(RtnlHandle host, Link device, VxlanConfig conf, IPAddress local)
    {
        if (conf.GroupAddress is not null)
        {
            return; // flooding goes to the multicast group, whose entry the kernel made with the device
        }

        var wanted = Wanted(conf, local);
        var present = FloodEntries(host, device);
        foreach (var stale in present.Where(e => !wanted.Contains(e.Dst!)))
        {
            host.FdbDel(stale);
        }

        foreach (var peer in wanted.Where(p => !present.Exists(e => e.Dst!.Equals(p))))
        {
            host.FdbAppend(new FdbEntry { LinkIndex = device.Index, Mac = new byte[6], Dst = peer });
        }
    }

    /// <summary>Throws when a listed peer has no flood entry.</summary>
    public static void Check(RtnlHandle host, Link device, VxlanConfig conf, IPAddress local)
    {
        if (conf.GroupAddress is not null)
        {
            return;
        }

        var present = FloodEntries(host, device);
        foreach (var peer in Wanted(conf, local).Where(p => !present.Exists(e => e.Dst!.Equals(p))))
        {
            throw new CniException(ErrorCode.Internal, $"flood entry for peer {peer} is missing on {device.Name}");
        }
    }

    /// <summary>The peers to flood to: every listed one but this host itself (one list serves every host).</summary>
    private static HashSet<IPAddress> Wanted(VxlanConfig conf, IPAddress local) =>
        conf.PeerList.Select(p => p.Underlay).Where(a => !a.Equals(local)).ToHashSet();

    private static List<FdbEntry> FloodEntries(RtnlHandle host, Link device) =>
        host.FdbList(device.Index).FindAll(e => e.IsAllZeroMac && e.Dst is not null);
}
