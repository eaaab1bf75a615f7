using System.Text;
using CniPlugins.OverlayAgent.Etcd;
using CniPlugins.Types;

namespace CniPlugins.OverlayAgent;

/// <summary>
/// <c>overlay-agent leave</c>: a decommissioned node's records go at once instead of when its lease expires; every
/// other node's watch sees the DELETE and removes its routes. The subnet record goes only if it is still that node's.
/// </summary>
internal static class Leave
{
    public static async Task RunAsync(AgentOptions opt, EtcdGateway etcd, CancellationToken ct)
    {
        var keys = new Keys(opt.Prefix, opt.Network);
        var nodeKv = (await etcd.RangeAsync(keys.Node(opt.Node), null, ct)).Kvs?.FirstOrDefault();
        if (nodeKv?.Value is { } v && CidrAddress.TryParse(Encoding.UTF8.GetString(v), out var subnet))
        {
            byte[] key = keys.Subnet(subnet);
            var kv = (await etcd.RangeAsync(key, null, ct)).Kvs?.FirstOrDefault();
            if (kv is not null && NodeRecord.TryParse(kv.Value)?.Node == opt.Node)
            {
                var txn = await etcd.TxnAsync(new TxnRequest
                {
                    Compare = [new Compare { Target = "MOD", Key = key, ModRevision = kv.ModRevision }],
                    Success = [new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } }],
                }, ct);
                Log.Info(txn.Succeeded ? $"removed {EtcdKey.Text(key)}" : $"{EtcdKey.Text(key)} changed meanwhile; left alone");
            }
            else
            {
                Log.Info($"subnet {subnet} is not held by {opt.Node}; left alone");
            }
        }

        await etcd.DeleteAsync(keys.Node(opt.Node), null, ct);
        Log.Info($"node {opt.Node} left network {opt.Network}");
    }
}
