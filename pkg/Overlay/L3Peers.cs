using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Overlay;

/// <summary>
/// Routed peers in l3 mode, as flannel's vxlan backend programs them: per peer subnet a permanent neighbour entry
/// for the subnet's base address with the peer's VTEP MAC, an FDB entry sending that MAC to the peer's underlay
/// address, and <c>route SUBNET via BASE dev vxlanN onlink</c>, in that order (a route first would make the kernel
/// ARP for its gateway). The vxlan plugin's l3 mode and the overlay agent program peers with the same code.
/// </summary>
public static class L3Peers
{
    private sealed record Entry(CidrAddress Subnet, IPAddress NextHop, byte[] Mac, IPAddress Underlay);

    /// <summary>
    /// Programs every peer of <paramref name="peers"/> but this host (<paramref name="local"/>: one list serves every
    /// host); with <paramref name="removeStale"/>, also removes the entries on the device that no peer accounts for
    /// (false where another party, the overlay agent, owns the set of peers).
    /// </summary>
    public static void Sync(RtnlHandle host, Link device, IEnumerable<OverlayPeer> peers, IPAddress local, bool removeStale = true)
    {
        var wanted = Wanted(peers, local);
        if (removeStale)
        {
            RemoveStale(host, device, wanted);
        }

        foreach (var e in wanted)
        {
            host.NeighReplace(new Neigh { Family = Family(e.NextHop), LinkIndex = device.Index, State = Rtnl.NUD_PERMANENT, Ip = e.NextHop, HardwareAddr = e.Mac });
            host.FdbReplace(new FdbEntry { LinkIndex = device.Index, Mac = e.Mac, Dst = e.Underlay, State = Rtnl.NUD_PERMANENT });
            host.RouteReplace(new RouteEntry { Dst = e.Subnet, Gateway = e.NextHop, OutputIndex = device.Index, Flags = Rtnl.RTNH_F_ONLINK });
        }
    }

    /// <summary>Throws when a listed peer's route, neighbour or FDB entry is missing or points elsewhere.</summary>
    public static void Check(RtnlHandle host, Link device, IEnumerable<OverlayPeer> peers, IPAddress local)
    {
        var wanted = Wanted(peers, local);
        var routes = host.RouteList();
        var neighs = host.NeighList(Rtnl.AF_UNSPEC, device.Index);
        var fdb = host.FdbList(device.Index);
        foreach (var e in wanted)
        {
            if (!routes.Exists(r => r.Dst == e.Subnet && e.NextHop.Equals(r.Gateway) && r.OutputIndex == device.Index))
            {
                throw Fail($"route to peer subnet {e.Subnet} via {e.NextHop} dev {device.Name} is missing");
            }

            if (!neighs.Exists(n => e.NextHop.Equals(n.Ip) && n.HardwareAddr.AsSpan().SequenceEqual(e.Mac)))
            {
                throw Fail($"neighbour {e.NextHop} lladdr {MacAddress.Format(e.Mac)} on {device.Name} is missing");
            }

            if (!fdb.Exists(f => f.Mac.AsSpan().SequenceEqual(e.Mac) && e.Underlay.Equals(f.Dst)))
            {
                throw Fail($"fdb entry {MacAddress.Format(e.Mac)} dst {e.Underlay} on {device.Name} is missing");
            }
        }
    }

    /// <summary>Every other host's subnets (the entry of this host itself is skipped: one list serves every host).</summary>
    public static IEnumerable<CidrAddress> PeerSubnets(IEnumerable<OverlayPeer> peers, IPAddress local) =>
        peers.Where(p => !p.Underlay.Equals(local)).SelectMany(p => p.Subnets);

    /// <summary>Removes the route, neighbour and FDB entries on the device that no listed peer accounts for.</summary>
    private static void RemoveStale(RtnlHandle host, Link device, List<Entry> wanted)
    {
        foreach (var r in host.RouteList().Where(r => r.OutputIndex == device.Index && r.Gateway is not null))
        {
            if (!wanted.Exists(e => e.Subnet == r.Dst && e.NextHop.Equals(r.Gateway)))
            {
                host.RouteDel(r);
            }
        }

        foreach (var n in host.NeighList(Rtnl.AF_UNSPEC, device.Index).Where(n => (n.State & Rtnl.NUD_PERMANENT) != 0))
        {
            if (!wanted.Exists(e => e.NextHop.Equals(n.Ip) && e.Mac.AsSpan().SequenceEqual(n.HardwareAddr)))
            {
                host.NeighDel(n);
            }
        }

        foreach (var f in host.FdbList(device.Index).Where(f => !f.IsAllZeroMac && f.Dst is not null))
        {
            if (!wanted.Exists(e => e.Underlay.Equals(f.Dst) && e.Mac.AsSpan().SequenceEqual(f.Mac)))
            {
                host.FdbDel(f);
            }
        }
    }

    private static List<Entry> Wanted(IEnumerable<OverlayPeer> peers, IPAddress local) =>
        peers.Where(p => !p.Underlay.Equals(local))
            .SelectMany(p => p.Subnets.Select(s => new Entry(s, s.Address, VtepMac.ForUnderlay(p.Underlay), p.Underlay)))
            .ToList();

    private static byte Family(IPAddress a) =>
        a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? Rtnl.AF_INET : Rtnl.AF_INET6;

    private static CniException Fail(string message) => new(ErrorCode.Internal, message);
}
