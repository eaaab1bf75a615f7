using CniPlugins.Ip;
using CniPlugins.OverlayAgent.Etcd;
using CniPlugins.Types;

namespace CniPlugins.OverlayAgent;

/// <summary>
/// Takes a subnet of the cluster CIDR for this node, as flannel's etcd subnet manager does: the one
/// <c>nodes/&lt;node&gt;</c> names, else the one in the state file, else a random free one; a subnet key is created only
/// where it does not exist (<c>create_revision == 0</c> in a transaction), or taken over from this node's own earlier
/// record (its <c>mod_revision</c> unchanged), so two nodes never hold one subnet.
/// </summary>
internal sealed class SubnetLease(EtcdGateway etcd, Keys keys, AgentOptions opt)
{
    private const int MaxAttempts = 64;

    /// <summary>Puts this node's record on <paramref name="lease"/> and returns its subnet.</summary>
    public async Task<CidrAddress> AcquireAsync(NodeRecord me, long lease, CidrAddress? fromStateFile, CancellationToken ct)
    {
        var tried = new HashSet<CidrAddress>();
        var nodeKv = (await etcd.RangeAsync(keys.Node(opt.Node), null, ct)).Kvs?.FirstOrDefault();
        var preferred = new List<CidrAddress>();
        if (nodeKv?.Value is { } v && CidrAddress.TryParse(System.Text.Encoding.UTF8.GetString(v), out var recorded) && Fits(recorded))
        {
            preferred.Add(recorded);
        }

        if (fromStateFile is { } f && Fits(f))
        {
            preferred.Add(f);
        }

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            CidrAddress candidate;
            if (preferred.Count > 0)
            {
                candidate = preferred[0];
                preferred.RemoveAt(0);
                if (!tried.Add(candidate))
                {
                    continue;
                }
            }
            else
            {
                candidate = await PickFreeAsync(tried, ct) ?? throw new EtcdException($"no free /{opt.SubnetLen} left in {opt.ClusterCidr}");
                tried.Add(candidate);
            }

            if (await TryTakeAsync(candidate, me, lease, ct))
            {
                await etcd.PutAsync(keys.Node(opt.Node), EtcdKey.Of(candidate.ToString()), 0, ct);
                return candidate;
            }

            Log.Debug($"subnet {candidate} is held by another node, trying another");
        }

        throw new EtcdException($"no subnet taken after {MaxAttempts} attempts (too many nodes joining at once?)");
    }

    private async Task<bool> TryTakeAsync(CidrAddress subnet, NodeRecord me, long lease, CancellationToken ct)
    {
        me.Subnet = subnet.ToString();
        byte[] key = keys.Subnet(subnet);
        var create = await etcd.TxnAsync(new TxnRequest
        {
            Compare = [new Compare { Target = "CREATE", Key = key, CreateRevision = 0 }],
            Success = [new RequestOp { RequestPut = new PutRequest { Key = key, Value = me.ToBytes(), Lease = lease } }],
            Failure = [new RequestOp { RequestRange = new RangeRequest { Key = key } }],
        }, ct);
        if (create.Succeeded)
        {
            return true;
        }

        // The key exists: take it over only when it is this node's own record from an earlier run.
        var existing = create.Responses?.FirstOrDefault()?.ResponseRange?.Kvs?.FirstOrDefault();
        if (existing is null || NodeRecord.TryParse(existing.Value)?.Node != opt.Node)
        {
            return false;
        }

        var takeOver = await etcd.TxnAsync(new TxnRequest
        {
            Compare = [new Compare { Target = "MOD", Key = key, ModRevision = existing.ModRevision }],
            Success = [new RequestOp { RequestPut = new PutRequest { Key = key, Value = me.ToBytes(), Lease = lease } }],
        }, ct);
        return takeOver.Succeeded;
    }

    /// <summary>A random subnet no record holds and not yet tried, or null when the range is full.</summary>
    private async Task<CidrAddress?> PickFreeAsync(HashSet<CidrAddress> tried, CancellationToken ct)
    {
        var held = new HashSet<CidrAddress>(tried);
        var list = await etcd.RangeAsync(keys.SubnetsPrefix, EtcdKey.PrefixEnd(keys.SubnetsPrefix), ct);
        foreach (var kv in list.Kvs ?? [])
        {
            if (keys.SubnetOf(kv.Key) is { } s)
            {
                held.Add(s);
            }
        }

        int count = 1 << (opt.SubnetLen - opt.ClusterCidr.PrefixLength);
        var free = new List<CidrAddress>();
        for (int i = 0; i < count; i++)
        {
            var s = Nth(i);
            if (!held.Contains(s))
            {
                free.Add(s);
            }
        }

        return free.Count == 0 ? null : free[Random.Shared.Next(free.Count)];
    }

    private CidrAddress Nth(int i)
    {
        var baseAddr = IpMath.ToNumber(opt.ClusterCidr.Address);
        return new CidrAddress(IpMath.FromNumber(baseAddr + ((UInt128)(uint)i << (32 - opt.SubnetLen)), isV4: true), opt.SubnetLen);
    }

    /// <summary>A subnet of the right length inside the cluster CIDR (a changed --cluster-cidr makes an old one unusable).</summary>
    private bool Fits(CidrAddress s) =>
        s.IsIPv4 && s.PrefixLength == opt.SubnetLen && s.Address.Equals(s.Network.BaseAddress) && opt.ClusterCidr.Network.Contains(s.Address);
}
