using CniPlugins.OverlayAgent.Etcd;
using CniPlugins.Types;

namespace CniPlugins.OverlayAgent;

/// <summary>
/// The network's keys in etcd: <c>&lt;prefix&gt;/&lt;network&gt;/subnets/10.244.3.0-24</c> (the holder's record, on its
/// lease) and <c>&lt;prefix&gt;/&lt;network&gt;/nodes/&lt;node&gt;</c> (the node's subnet, without a lease).
/// </summary>
internal sealed class Keys(string prefix, string network)
{
    private readonly string _root = $"{prefix.TrimEnd('/')}/{network}";

    public byte[] SubnetsPrefix => EtcdKey.Of($"{_root}/subnets/");

    public byte[] Subnet(CidrAddress subnet) => EtcdKey.Of($"{_root}/subnets/{subnet.Address}-{subnet.PrefixLength}");

    public byte[] Node(string node) => EtcdKey.Of($"{_root}/nodes/{node}");

    /// <summary>The subnet a <c>subnets/</c> key names, or null for a key of another shape.</summary>
    public CidrAddress? SubnetOf(byte[] key)
    {
        string text = EtcdKey.Text(key);
        string head = EtcdKey.Text(SubnetsPrefix);
        if (!text.StartsWith(head, StringComparison.Ordinal))
        {
            return null;
        }

        string name = text[head.Length..];
        int dash = name.LastIndexOf('-');
        return dash > 0 && CidrAddress.TryParse($"{name[..dash]}/{name[(dash + 1)..]}", out var c) ? c : null;
    }
}
