using System.Text;
using CniPlugins.Firewall;
using CniPlugins.Types;

namespace CniPlugins.Portmap;

/// <summary>
/// The upstream nftables layout (plugins/meta/portmap/portmap_nftables.go; Debian's 1.1.1 has no nftables backend):
/// tables <c>ip cni_hostport</c> and <c>ip6 cni_hostport</c>; base chains prerouting and output jump to
/// <c>hostip_hostports</c> (hostIP-bound mappings) and <c>hostports</c>; <c>masquerading</c> (postrouting)
/// masquerades hairpin and localhost traffic. Every rule of a container carries its ID as comment, which is how
/// DEL finds them. One <c>nft -f</c> transaction per verb and family.
/// </summary>
internal static class NftPortmap
{
    private const string TableName = "cni_hostport";
    private const string HostPorts = "hostports";
    private const string HostIpHostPorts = "hostip_hostports";
    private const string Masquerading = "masquerading";

    public static void Forward(PortmapConfig conf, string containerId, CidrAddress container)
    {
        bool v6 = !container.IsIPv4;
        string table = Table(v6), ipX = v6 ? "ip6" : "ip", comment = Comment(containerId);
        string conditions = string.Join(" ", conf.Conditions(v6));
        string prefix = conditions.Length > 0 ? conditions + " " : "";
        var b = new StringBuilder()
            .AppendLine($"add table {table} {{ comment \"CNI portmap plugin\" ; }}")
            .AppendLine($"add chain {table} {HostPorts}")
            .AppendLine($"add chain {table} {HostIpHostPorts}")
            .AppendLine($"add chain {table} prerouting {{ type nat hook prerouting priority -100 ; }}")
            .AppendLine($"flush chain {table} prerouting")
            .AppendLine($"add rule {table} prerouting {prefix}jump {HostIpHostPorts}")
            .AppendLine($"add rule {table} prerouting {prefix}jump {HostPorts}")
            .AppendLine($"add chain {table} output {{ type nat hook output priority -100 ; }}")
            .AppendLine($"flush chain {table} output")
            .AppendLine($"add rule {table} output {prefix}jump {HostIpHostPorts}")
            .AppendLine($"add rule {table} output {prefix}fib daddr type local jump {HostPorts}");
        if (conf.SnatEnabled)
        {
            b.AppendLine($"add chain {table} {Masquerading} {{ type nat hook postrouting priority 100 ; }}");
        }

        // A repeated ADD replaces the container's rules instead of adding them twice.
        foreach (var (chain, handle) in OwnRules(v6, containerId))
        {
            b.AppendLine($"delete rule {table} {chain} handle {handle}");
        }

        string to(int port) => v6 ? $"[{container.Address}]:{port}" : $"{container.Address}:{port}";
        foreach (var m in conf.Mappings.Where(m => m.AppliesTo(v6)))
        {
            b.AppendLine(m.BoundIP is { } ip
                ? $"add rule {table} {HostIpHostPorts} {ipX} daddr {ip} {m.Proto} dport {m.HostPort} dnat to {to(m.ContainerPort)} comment \"{comment}\""
                : $"add rule {table} {HostPorts} {m.Proto} dport {m.HostPort} dnat to {to(m.ContainerPort)} comment \"{comment}\"");
        }

        if (conf.SnatEnabled)
        {
            // Any traffic from the container to itself, or from localhost to it, needs masquerading to come back.
            b.AppendLine($"add rule {table} {Masquerading} {ipX} saddr {container.Address} {ipX} daddr {container.Address} masquerade comment \"{comment}\"");
            if (!v6)
            {
                b.AppendLine($"add rule {table} {Masquerading} ip saddr 127.0.0.1 ip daddr {container.Address} masquerade comment \"{comment}\"");
            }
        }

        Nft.Apply(b.ToString(), $"set up port forwarding for {containerId}");
    }

    /// <summary>Deletes the container's rules of one family; succeeds when the table or the rules are gone.</summary>
    public static void Unforward(string containerId, bool v6)
    {
        var b = new StringBuilder();
        foreach (var (chain, handle) in OwnRules(v6, containerId))
        {
            b.AppendLine($"delete rule {Table(v6)} {chain} handle {handle}");
        }

        if (b.Length > 0)
        {
            Nft.Apply(b.ToString(), $"tear down port forwarding for {containerId}");
        }
    }

    public static void Check(PortmapConfig conf, string containerId, CidrAddress container)
    {
        bool v6 = !container.IsIPv4;
        var mine = conf.Mappings.Where(m => m.AppliesTo(v6)).ToList();
        var expected = new (string Chain, int Count)[]
        {
            (HostPorts, mine.Count(m => m.BoundIP is null)),
            (HostIpHostPorts, mine.Count(m => m.BoundIP is not null)),
            (Masquerading, conf.SnatEnabled ? (v6 ? 1 : 2) : 0),
        };
        var own = OwnRules(v6, containerId);
        foreach (var (chain, count) in expected.Where(e => e.Count > 0))
        {
            int found = own.Count(r => r.Chain == chain);
            if (found < count)
            {
                throw new CniException(ErrorCode.Internal, $"missing hostport rules in the {Table(v6)} {chain} chain ({found} of {count})");
            }
        }
    }

    /// <summary>The container's rules in the family's table, read in one listing; none when the table is absent.</summary>
    private static List<(string Chain, string Handle)> OwnRules(bool v6, string containerId)
    {
        string comment = Comment(containerId);
        var table = Nft.ListTable(v6 ? "ip6" : "ip", TableName) ?? [];
        return table.Where(c => c.Key is HostPorts or HostIpHostPorts or Masquerading)
            .SelectMany(c => c.Value.Where(r => r.Comment == comment).Select(r => (c.Key, r.Handle)))
            .ToList();
    }

    private static string Table(bool v6) => $"{(v6 ? "ip6" : "ip")} {TableName}";

    /// <summary>The container ID, cut at nft's comment limit.</summary>
    private static string Comment(string containerId) => ChainNames.Cut(containerId, ChainNames.NftCommentMax);
}
