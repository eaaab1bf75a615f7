using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Overlay;
using CniPlugins.Types;

namespace CniPlugins.OverlayAgent;

/// <summary>
/// The other nodes' records as the watch last saw them, and the kernel state that follows from them: every change
/// is applied with <see cref="L3Peers.Sync"/> (the vxlan plugin's l3 code; stale entries removed, the agent owns
/// the set) and written to the state file. Nothing here runs while etcd is unreachable: the kernel keeps what it has.
/// </summary>
internal sealed class PeerTable(AgentOptions opt, Underlay underlay, Link device)
{
    private readonly Dictionary<CidrAddress, NodeRecord> _peers = [];
    private readonly Lock _lock = new();

    public CidrAddress Subnet { get; set; }

    public int Mtu { get; } = underlay.OverlayMtu(opt.Mtu);

    /// <summary>Replaces the whole table (after a list) and applies it.</summary>
    public void Reset(IEnumerable<(CidrAddress Subnet, NodeRecord Record)> records)
    {
        lock (_lock)
        {
            var fresh = records.Where(r => IsPeer(r.Subnet, r.Record)).ToDictionary(r => r.Subnet, r => r.Record);
            foreach (var gone in _peers.Keys.Where(k => !fresh.ContainsKey(k)).ToList())
            {
                Log.Info($"peer removed: {_peers[gone].Node} {gone} (no longer in etcd)");
                _peers.Remove(gone);
            }

            foreach (var (s, r) in fresh)
            {
                Upsert(s, r);
            }

            Apply();
        }
    }

    public void Put(CidrAddress subnet, NodeRecord record)
    {
        lock (_lock)
        {
            if (IsPeer(subnet, record) && Upsert(subnet, record))
            {
                Apply();
            }
        }
    }

    public void Delete(CidrAddress subnet)
    {
        lock (_lock)
        {
            if (_peers.Remove(subnet, out var old))
            {
                Log.Info($"peer removed: {old.Node} {subnet} via {old.Underlay} (lease expired or record deleted)");
                Apply();
            }
        }
    }

    /// <summary>Writes the state file with the current peers (also before any peer is known, so ADD can start).</summary>
    public void WriteStateFile()
    {
        lock (_lock)
        {
            WriteStateFileLocked();
        }
    }

    private bool Upsert(CidrAddress subnet, NodeRecord record)
    {
        if (_peers.TryGetValue(subnet, out var old) && old.Underlay == record.Underlay && old.Node == record.Node)
        {
            return false;
        }

        _peers[subnet] = record;
        Log.Info($"peer added: {record.Node} {subnet} via {record.Underlay}");
        return true;
    }

    private bool IsPeer(CidrAddress subnet, NodeRecord r) =>
        r.Node != opt.Node && subnet != Subnet && IPAddress.TryParse(r.Underlay, out var a) && !a.Equals(underlay.Local) &&
        a.AddressFamily == underlay.Local.AddressFamily;

    private void Apply()
    {
        var peers = _peers.Select(p => new OverlayPeer(IPAddress.Parse(p.Value.Underlay), [p.Key])).ToList();
        using (var host = RtnlHandle.Open())
        {
            L3Peers.Sync(host, device, peers, underlay.Local, removeStale: true);
        }

        WriteStateFileLocked();
    }

    private void WriteStateFileLocked()
    {
        new SubnetFile
        {
            Network = opt.Network,
            Subnet = Subnet.ToString(),
            Mtu = Mtu,
            Vni = opt.Vni,
            ClusterCidr = opt.ClusterCidr.ToString(),
            Peers = _peers.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal)
                .Select(p => new SubnetFilePeer { Underlay = p.Value.Underlay, Subnet = p.Key.ToString() }).ToList(),
        }.Write(opt.StateFile);
    }
}
