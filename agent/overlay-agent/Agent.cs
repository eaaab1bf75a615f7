using System.Net.Sockets;
using CniPlugins.Netlink;
using CniPlugins.Overlay;
using CniPlugins.OverlayAgent.Etcd;
using CniPlugins.Types;

namespace CniPlugins.OverlayAgent;

/// <summary>
/// The long-running part: the VXLAN device first (the kernel side needs no etcd), then a subnet and the node's record
/// on a lease, then two loops until SIGTERM: one keeps the lease alive (and registers again if it was lost), one
/// lists and watches the other nodes' records and programs them. Stopping leaves the kernel state and the lease.
/// </summary>
internal sealed class Agent(AgentOptions opt, EtcdGateway etcd)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly Keys _keys = new(opt.Prefix, opt.Network);
    private PeerTable _table = null!;
    private Link _device = null!;
    private long _lease;
    private volatile bool _lostRecord;

    public async Task RunAsync(CancellationToken ct)
    {
        Underlay underlay;
        using (var host = RtnlHandle.Open())
        {
            underlay = Underlay.Resolve(host, opt.UnderlayInterface, opt.UnderlayIp, opt.UnderlayIp?.AddressFamily ?? AddressFamily.InterNetwork);
            _device = VxlanDevice.Ensure(host, new VxlanSpec
            {
                Name = opt.DeviceName,
                Vni = opt.Vni,
                Port = opt.Port,
                Local = underlay.Local,
                UnderlayIndex = underlay.Link.Index,
                Learning = false,
                Mtu = underlay.OverlayMtu(opt.Mtu),
                HardwareAddr = VtepMac.ForUnderlay(underlay.Local),
            });
        }

        Log.Info($"device {opt.DeviceName} vni {opt.Vni} port {opt.Port} on {underlay.Link.Name} ({underlay.Local}), mtu {underlay.OverlayMtu(opt.Mtu)}; etcd {string.Join(",", opt.Endpoints)}");
        _table = new PeerTable(opt, underlay, _device);
        var me = new NodeRecord
        {
            Node = opt.Node,
            Underlay = underlay.Local.ToString(),
            VtepMac = MacAddress.Format(VtepMac.ForUnderlay(underlay.Local)),
            Vni = opt.Vni,
        };

        CidrAddress? previous = null;
        try
        {
            previous = SubnetFile.Read(opt.StateFile, ErrorCode.IoFailure).SubnetCidr;
        }
        catch (CniException)
        {
            // no file from an earlier run: nothing to prefer
        }

        await RegisterAsync(me, previous, ct);

        // Both loops run until SIGTERM; should one fail unexpectedly, the other stops too and the agent exits
        // (non-zero, so systemd or the DaemonSet restarts it) instead of running half.
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = new[] { KeepAliveLoopAsync(me, both.Token), WatchLoopAsync(both.Token) };
        var first = await Task.WhenAny(loops);
        both.Cancel();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || !first.IsFaulted)
        {
        }

        await first; // rethrows the failure of the loop that ended first
    }

    /// <summary>A lease and a subnet, retried with backoff until etcd answers.</summary>
    private async Task RegisterAsync(NodeRecord me, CidrAddress? prefer, CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                _lease = await etcd.LeaseGrantAsync(opt.LeaseTtl, ct);
                var subnet = await new SubnetLease(etcd, _keys, opt).AcquireAsync(me, _lease, prefer, ct);
                if (_table.Subnet != default && _table.Subnet != subnet)
                {
                    Log.Error($"subnet changed from {_table.Subnet} to {subnet}: the old one was taken while this node's lease was lost; containers of the old subnet need to be re-added");
                }

                _table.Subnet = subnet;
                using (var host = RtnlHandle.Open())
                {
                    VxlanDevice.EnsureAddress(host, _device, subnet);
                }

                _table.WriteStateFile();
                _lostRecord = false;
                Log.Info($"node {opt.Node} holds subnet {subnet} (lease {_lease:x}, ttl {opt.LeaseTtl} s); state file {opt.StateFile}");
                return;
            }
            catch (EtcdException e)
            {
                Log.Warn($"cannot register with etcd: {e.Message}; retrying in {backoff.TotalMilliseconds} ms");
                await Task.Delay(backoff, ct);
                backoff = Min(backoff * 2, MaxBackoff);
            }
        }
    }

    private async Task KeepAliveLoopAsync(NodeRecord me, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(opt.LeaseTtl / 3.0, 1, 60));
        var lastRenewal = DateTime.UtcNow;
        bool failing = false;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(failing ? TimeSpan.FromSeconds(1) : interval, ct);
            try
            {
                if (_lostRecord || await etcd.LeaseKeepAliveOnceAsync(_lease, ct) == 0)
                {
                    Log.Warn(_lostRecord ? $"this node's record of {_table.Subnet} was deleted; registering again" : $"lease {_lease:x} expired; registering again");
                    await RegisterAsync(me, _table.Subnet, ct);
                }
                else
                {
                    var since = DateTime.UtcNow - lastRenewal;
                    if (since > interval * 2)
                    {
                        Log.Warn($"lease renewed late: {since.TotalSeconds:F0} s since the last renewal (ttl {opt.LeaseTtl} s)");
                    }
                }

                if (failing)
                {
                    Log.Info($"etcd reachable again ({etcd.Current})");
                }

                failing = false;
                lastRenewal = DateTime.UtcNow;
            }
            catch (EtcdException e)
            {
                if (!failing)
                {
                    Log.Warn($"cannot renew the lease: {e.Message}; the kernel state stays as it is");
                }

                failing = true;
            }
        }
    }

    /// <summary>List, then watch from the list's revision + 1; on a broken stream resume from the last event's revision + 1; re-list when that was compacted.</summary>
    private async Task WatchLoopAsync(CancellationToken ct)
    {
        byte[] prefix = _keys.SubnetsPrefix, end = EtcdKey.PrefixEnd(prefix);
        long next = 0;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (next == 0)
                {
                    var list = await etcd.RangeAsync(prefix, end, ct);
                    _table.Reset((list.Kvs ?? []).Select(kv => (_keys.SubnetOf(kv.Key), NodeRecord.TryParse(kv.Value)))
                        .Where(p => p.Item1 is not null && p.Item2 is not null).Select(p => (p.Item1!.Value, p.Item2!)));
                    next = list.Header.Revision + 1;
                    Log.Debug($"listed {list.Kvs?.Count ?? 0} records at revision {list.Header.Revision}");
                }

                await foreach (var w in etcd.WatchAsync(prefix, end, next, ct))
                {
                    backoff = TimeSpan.FromMilliseconds(200);
                    if (w.Canceled)
                    {
                        Log.Warn(w.CompactRevision > 0
                            ? $"watch revision {next} was compacted (now {w.CompactRevision}); listing again"
                            : $"watch canceled: {w.CancelReason}; listing again");
                        next = 0;
                        break;
                    }

                    foreach (var ev in w.Events ?? [])
                    {
                        next = Math.Max(next, ev.Kv.ModRevision + 1);
                        Handle(ev);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is EtcdException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                Log.Warn($"watch interrupted: {e.Message}; resuming from revision {next} in {backoff.TotalMilliseconds} ms, the kernel state stays as it is");
            }
            catch (Exception e) when (e is NetlinkException or CniException)
            {
                Log.Error($"programming peers failed: {e.Message}; listing again");
                next = 0;
            }

            await Task.Delay(backoff, ct);
            backoff = Min(backoff * 2, MaxBackoff);
        }
    }

    private void Handle(Event ev)
    {
        if (_keys.SubnetOf(ev.Kv.Key) is not { } subnet)
        {
            return;
        }

        if (subnet == _table.Subnet)
        {
            if (ev.IsDelete)
            {
                _lostRecord = true;
            }

            return;
        }

        if (ev.IsDelete)
        {
            _table.Delete(subnet);
        }
        else if (NodeRecord.TryParse(ev.Kv.Value) is { } record)
        {
            _table.Put(subnet, record);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
