using System.Text;
using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// The reference's nftables masquerade (pkg/ip/ipmasq_nftables_linux.go): table <c>inet cni_plugins_masquerade</c>,
/// base chain <c>postrouting</c> skipping multicast and going to <c>masq_checks</c>, one rule per address whose
/// comment starts with <c>hash16(network)-hash16(ifname:containerID)</c>. A rule is an attachment's only when its
/// whole comment is that attachment's: hash prefixes alone may be shared.
/// </summary>
internal static class NftMasq
{
    private const string Table = "inet cni_plugins_masquerade";
    private const string Chain = "masq_checks";

    public static void Setup(string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips,
        IReadOnlyList<CidrAddress> noMasq)
    {
        string comment = Comment(network, ifName, containerId);
        var batch = new StringBuilder()
            .AppendLine($"add table {Table} {{ comment \"Masquerading for plugins from github.com/containernetworking/plugins\" ; }}")
            .AppendLine($"add chain {Table} {Chain} {{ comment \"Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet\" ; }}")
            .AppendLine($"add chain {Table} postrouting {{ type nat hook postrouting priority srcnat ; }}")
            .AppendLine($"flush chain {Table} postrouting")
            .AppendLine($"add rule {Table} postrouting ip daddr == 224.0.0.0/4 return")
            .AppendLine($"add rule {Table} postrouting ip6 daddr == ff00::/8 return")
            .AppendLine($"add rule {Table} postrouting goto {Chain}");
        foreach (string handle in Rules().Where(r => r.Comment == comment).Select(r => r.Handle))
        {
            batch.AppendLine($"delete rule {Table} {Chain} handle {handle}");
        }

        foreach (var ip in ips)
        {
            string family = ip.IsIPv4 ? "ip" : "ip6";
            foreach (var dest in noMasq.Where(d => d.IsIPv4 == ip.IsIPv4))
            {
                batch.AppendLine($"add rule {Table} {Chain} {family} saddr == {ip.Address} {family} daddr == {dest.Network} return comment \"{comment}\"");
            }

            batch.AppendLine($"add rule {Table} {Chain} {family} saddr == {ip.Address} {family} daddr != {ip.Network} masquerade comment \"{comment}\"");
        }

        Nft.Apply(batch.ToString(), $"set up masquerading for {containerId}");
    }

    public static void Teardown(string network, string containerId, string ifName)
    {
        string comment = Comment(network, ifName, containerId);
        Delete(Rules().Where(r => r.Comment == comment).Select(r => r.Handle), $"tear down masquerading for {containerId}");
    }

    public static void Check(string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips,
        IReadOnlyList<CidrAddress> noMasq)
    {
        string comment = Comment(network, ifName, containerId);
        var rules = Rules().Where(r => r.Comment == comment).ToList();
        foreach (var ip in ips)
        {
            var own = rules.Where(r => r.Text.Contains($"saddr {ip.Address} ", StringComparison.Ordinal)).ToList();
            if (!own.Any(r => r.Text.Contains(" masquerade", StringComparison.Ordinal)))
            {
                throw new CniException(ErrorCode.Internal, $"nftables masquerade rule for {ip.Address} is missing from {Table} {Chain}");
            }

            foreach (var dest in noMasq.Where(d => d.IsIPv4 == ip.IsIPv4))
            {
                if (!own.Any(r => r.Text.Contains($"daddr {dest.Network} return", StringComparison.Ordinal)))
                {
                    throw new CniException(ErrorCode.Internal, $"nftables rule exempting {dest.Network} from masquerading for {ip.Address} is missing from {Table} {Chain}");
                }
            }
        }
    }

    /// <summary>Deletes the network's rules (by the whole network part of their comment) of attachments not in <paramref name="valid"/>.</summary>
    public static void Gc(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        var keep = valid.Select(v => Comment(network, v.IfName, v.ContainerId)).ToHashSet(StringComparer.Ordinal);
        Delete(Rules().Where(r => IsNetworks(r.Comment!, network) && !keep.Contains(r.Comment!)).Select(r => r.Handle),
            $"collect masquerading of {network}");
    }

    private static void Delete(IEnumerable<string> handles, string what)
    {
        var batch = new StringBuilder();
        foreach (string h in handles)
        {
            batch.AppendLine($"delete rule {Table} {Chain} handle {h}");
        }

        if (batch.Length > 0)
        {
            Nft.Apply(batch.ToString(), what);
        }
    }

    /// <summary>The masq_checks rules that carry a comment; none when the table is absent.</summary>
    private static List<NftRule> Rules() =>
        (Nft.ListChain("inet", "cni_plugins_masquerade", Chain) ?? []).Where(r => r.Comment is not null).ToList();

    /// <summary>
    /// True when the comment is one this network writes: its hash, an attachment hash, then <c>, net: name, if: </c>
    /// in full, or as far as the comment goes when it was cut at the limit (a character cut whole may leave up to 3 bytes).
    /// </summary>
    private static bool IsNetworks(string comment, string network)
    {
        string head = NetworkHash(network) + "-";
        const int attachmentHash = 16;
        if (!comment.StartsWith(head, StringComparison.Ordinal) || comment.Length < head.Length + attachmentHash ||
            comment.AsSpan(head.Length, attachmentHash).ContainsAnyExcept("0123456789abcdef"))
        {
            return false;
        }

        string rest = comment[(head.Length + attachmentHash)..], named = $", net: {network}, if: ";
        return rest.StartsWith(named, StringComparison.Ordinal) ||
            (Encoding.UTF8.GetByteCount(comment) > ChainNames.NftCommentMax - 4 && named.StartsWith(rest, StringComparison.Ordinal));
    }

    private static string NetworkHash(string network) => ChainNames.Hash("", network, 16);

    private static string Comment(string network, string ifName, string containerId)
    {
        string prefix = NetworkHash(network) + "-" + ChainNames.Hash("", ifName + ":" + containerId, 16);
        return ChainNames.Cut($"{prefix}, net: {network}, if: {ifName}, id: {containerId}", ChainNames.NftCommentMax);
    }
}
