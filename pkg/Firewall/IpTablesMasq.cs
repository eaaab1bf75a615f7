using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// The reference's iptables masquerade (pkg/ip/ipmasq_iptables_linux.go), one restore transaction per verb and
/// family. Per container a nat chain <c>CNI-&lt;hash&gt;</c>: ACCEPT to each address's own subnet (and to the
/// caller's extra destinations), MASQUERADE to anything not multicast; POSTROUTING sends each address there. All
/// rules carry <c>name: "net" id: "cid"</c>. The hash covers network + container ID run together, so two
/// attachments ("ab"+"c", "a"+"bc") can share a chain: every verb touches only the rules whose comment names its
/// attachment, and a chain goes only when empty. Only POSTROUTING and the attachment's chain are ever read.
/// </summary>
internal static class IpTablesMasq
{
    private const string Table = "nat";
    private const string Entry = "POSTROUTING";

    public static void Setup(string network, string containerId, IReadOnlyList<CidrAddress> ips, IReadOnlyList<CidrAddress> noMasq)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = ChainNames.MasqComment(network, containerId);
        string quoted = IpTables.Quote(comment);
        foreach (bool v6 in new[] { false, true })
        {
            var family = ips.Where(ip => ip.IsIPv4 != v6).ToList();
            if (family.Count == 0)
            {
                continue;
            }

            var own = IpTables.ListChain(v6, Table, chain);
            var entry = IpTables.ListChain(v6, Table, Entry);
            var batch = new IpTablesBatch(v6, Table);
            // Ours are rebuilt below in the reference's order, none twice; another attachment's stay.
            batch.AddRange(own is null ? [$":{chain} - [0:0]"] : own.WithComment(comment).Select(r => $"-D {chain} {r}"));

            var chainRules = new List<string>();
            foreach (var ip in family)
            {
                Unique(chainRules, $"-d {ip.Network} -m comment --comment {quoted} -j ACCEPT");
                foreach (var dest in noMasq.Where(d => d.IsIPv4 != v6))
                {
                    Unique(chainRules, $"-d {dest.Network} -m comment --comment {quoted} -j ACCEPT");
                }

                Unique(chainRules, $"! -d {(v6 ? "ff00::/8" : "224.0.0.0/4")} -m comment --comment {quoted} -j MASQUERADE");
            }

            batch.AddRange(chainRules.Select(r => $"-A {chain} {r}"));
            foreach (var ip in family)
            {
                string jump = $"-s {CidrAddress.Host(ip.Address)} -m comment --comment {quoted} -j {chain}";
                if (entry?.Contains(jump) != true)
                {
                    batch.Add($"-A {Entry} {jump}");
                }
            }

            batch.Commit($"set up masquerading for {containerId}");
        }
    }

    public static void Teardown(string network, string containerId)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = ChainNames.MasqComment(network, containerId);
        foreach (bool v6 in Families())
        {
            // No chain, no jump to it: iptables refuses a jump to a chain that does not exist.
            if (IpTables.ListChain(v6, Table, chain) is not { } own)
            {
                continue;
            }

            var entry = IpTables.ListChain(v6, Table, Entry);
            new IpTablesBatch(v6, Table).AddRange(Removal(entry, own, c => c == comment)).Commit($"tear down masquerading for {containerId}");
        }
    }

    public static void Check(string network, string containerId, IReadOnlyList<CidrAddress> ips, IReadOnlyList<CidrAddress> noMasq)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = ChainNames.MasqComment(network, containerId);
        foreach (bool v6 in new[] { false, true })
        {
            var family = ips.Where(ip => ip.IsIPv4 != v6).ToList();
            if (family.Count == 0)
            {
                continue;
            }

            var entry = IpTables.ListChain(v6, Table, Entry);
            var own = IpTables.ListChain(v6, Table, chain);
            var ours = own?.WithComment(comment).ToList() ?? [];
            bool masquerades = ours.Any(r => IpTables.TargetOf(r) == "MASQUERADE");
            foreach (var ip in family)
            {
                string source = $"-s {CidrAddress.Host(ip.Address)} ";
                bool jumps = entry?.Rules.Any(r => r.StartsWith(source, StringComparison.Ordinal) &&
                    IpTables.TargetOf(r) == chain && IpTables.CommentOf(r) == comment) == true;
                if (!jumps || !masquerades)
                {
                    throw new CniException(ErrorCode.Internal, $"masquerade rules for {ip.Address} (chain {chain}) are missing from the nat table");
                }
            }

            foreach (var dest in noMasq.Where(d => d.IsIPv4 != v6))
            {
                if (!ours.Any(r => r.StartsWith($"-d {dest.Network} ", StringComparison.Ordinal) && IpTables.TargetOf(r) == "ACCEPT"))
                {
                    throw new CniException(ErrorCode.Internal, $"the rule exempting {dest.Network} from masquerading (chain {chain}) is missing from the nat table");
                }
            }
        }
    }

    /// <summary>
    /// Removes the rules of this network's attachments whose container is not in <paramref name="validIds"/>: the
    /// POSTROUTING jumps whose comment names the network and another container, and the rules in their chains.
    /// Only chains POSTROUTING jumps to with the network's comment are read.
    /// </summary>
    public static void Gc(string network, HashSet<string> validIds)
    {
        // By chain and comment together: long IDs of valid and stale attachments may share a cut comment.
        var keep = validIds.Select(id => (ChainNames.MasqChain(network, id), ChainNames.MasqComment(network, id))).ToHashSet();
        string owned = ChainNames.MasqCommentPrefix(network);
        bool Stale(string chain, string? comment) =>
            comment is not null && comment.StartsWith(owned, StringComparison.Ordinal) && !keep.Contains((chain, comment)) &&
            (IsCut(comment) || chain == ChainNames.MasqChain(network, comment[owned.Length..^1]));

        foreach (bool v6 in Families())
        {
            if (IpTables.ListChain(v6, Table, Entry) is not { } entry)
            {
                continue;
            }

            var chains = entry.Rules
                .Where(r => IpTables.CommentOf(r)?.StartsWith(owned, StringComparison.Ordinal) == true)
                .Select(IpTables.TargetOf).OfType<string>()
                .Where(c => c.StartsWith("CNI-", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal);
            var batch = new IpTablesBatch(v6, Table);
            foreach (string chain in chains)
            {
                if (IpTables.ListChain(v6, Table, chain) is { } own)
                {
                    batch.AddRange(Removal(entry, own, c => Stale(chain, c)));
                }
            }

            batch.Commit($"collect masquerading of {network}");
        }
    }

    /// <summary>
    /// The restore lines that delete the POSTROUTING jumps to the chain and the rules in it whose comment is
    /// <paramref name="ours"/>, then the chain itself when no rule is left in it and nothing else jumps to it.
    /// </summary>
    private static List<string> Removal(IpTablesChain? entry, IpTablesChain own, Func<string?, bool> ours)
    {
        var lines = new List<string>();
        bool referenced = false;
        foreach (string rule in entry?.Rules.Where(r => IpTables.TargetOf(r) == own.Name) ?? [])
        {
            if (ours(IpTables.CommentOf(rule)))
            {
                lines.Add($"-D {Entry} {rule}");
            }
            else
            {
                referenced = true;
            }
        }

        bool left = false;
        foreach (string rule in own.Rules)
        {
            if (ours(IpTables.CommentOf(rule)))
            {
                lines.Add($"-D {own.Name} {rule}");
            }
            else
            {
                left = true;
            }
        }

        if (!left && !referenced)
        {
            lines.Add($"-X {own.Name}");
        }

        return lines;
    }

    /// <summary>IPv4, and IPv6 where ip6tables is installed: teardown looks in both, whatever the addresses were.</summary>
    private static bool[] Families() => IpTables.Available(true) ? [false, true] : [false];

    /// <summary>A comment cut at the limit no longer ends with the container ID's closing quote.</summary>
    private static bool IsCut(string comment) => !comment.EndsWith('"');

    private static void Unique(List<string> rules, string rule)
    {
        if (!rules.Contains(rule))
        {
            rules.Add(rule);
        }
    }
}
