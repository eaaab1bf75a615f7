using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// The reference's iptables masquerade (pkg/ip/ipmasq_iptables_linux.go), one restore transaction per verb and
/// family. Per container a nat chain <c>CNI-&lt;hash&gt;</c>: ACCEPT to each address's own subnet, MASQUERADE to
/// anything not multicast; POSTROUTING sends each address there. All rules carry <c>name: "net" id: "cid"</c>.
/// The hash covers network + container ID run together, so two attachments ("ab"+"c", "a"+"bc") can share a
/// chain: every verb touches only the rules whose comment names its attachment, and a chain goes only when empty.
/// </summary>
internal static class IpTablesMasq
{
    private const string Table = "nat";
    private const string Entry = "POSTROUTING";

    public static void Setup(string network, string containerId, IReadOnlyList<CidrAddress> ips)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = ChainNames.MasqComment(network, containerId);
        string quoted = FirewallTool.Quote(comment);
        foreach (bool v6 in new[] { false, true })
        {
            var family = ips.Where(ip => ip.IsIPv4 != v6).ToList();
            if (family.Count == 0)
            {
                continue;
            }

            var state = FirewallTool.Save(v6, Table);
            var lines = new List<string>();
            if (state.HasChain(chain))
            {
                // Ours are rebuilt below in the reference's order, none twice; another attachment's stay.
                lines.AddRange(state.Rules(chain).Where(r => IpTablesState.CommentOf(r) == comment).Select(r => $"-D {chain} {r}"));
            }
            else
            {
                lines.Add($":{chain} - [0:0]");
            }

            var chainRules = new List<string>();
            foreach (var ip in family)
            {
                Unique(chainRules, $"-d {ip.Network} -m comment --comment {quoted} -j ACCEPT");
                Unique(chainRules, $"! -d {(v6 ? "ff00::/8" : "224.0.0.0/4")} -m comment --comment {quoted} -j MASQUERADE");
            }

            lines.AddRange(chainRules.Select(r => $"-A {chain} {r}"));
            foreach (var ip in family)
            {
                string jump = $"-s {CidrAddress.Host(ip.Address)} -m comment --comment {quoted} -j {chain}";
                if (!state.Rules(Entry).Contains(jump))
                {
                    lines.Add($"-A {Entry} {jump}");
                }
            }

            FirewallTool.Restore(v6, Table, lines, $"set up masquerading for {containerId}");
        }
    }

    public static void Teardown(string network, string containerId)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = ChainNames.MasqComment(network, containerId);
        foreach (bool v6 in new[] { false, true })
        {
            var state = FirewallTool.Save(v6, Table);
            FirewallTool.Restore(v6, Table, Removal(state, chain, c => c == comment), $"tear down masquerading for {containerId}");
        }
    }

    public static void Check(string network, string containerId, IReadOnlyList<CidrAddress> ips)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = ChainNames.MasqComment(network, containerId);
        foreach (var ip in ips)
        {
            var state = FirewallTool.Save(!ip.IsIPv4, Table);
            string source = $"-s {CidrAddress.Host(ip.Address)} ";
            bool jumps = state.Rules(Entry).Any(r => r.StartsWith(source, StringComparison.Ordinal) &&
                IpTablesState.TargetOf(r) == chain && IpTablesState.CommentOf(r) == comment);
            bool masquerades = state.Rules(chain).Any(r => IpTablesState.TargetOf(r) == "MASQUERADE" && IpTablesState.CommentOf(r) == comment);
            if (!jumps || !masquerades)
            {
                throw new CniException(ErrorCode.Internal, $"masquerade rules for {ip.Address} (chain {chain}) are missing from the nat table");
            }
        }
    }

    /// <summary>
    /// Removes the rules of this network's attachments whose container is not in <paramref name="validIds"/>: those
    /// in CNI- chains and the POSTROUTING jumps to them whose comment names the network and another container.
    /// </summary>
    public static void Gc(string network, HashSet<string> validIds)
    {
        // By chain and comment together: long IDs of valid and stale attachments may share a cut comment.
        var keep = validIds.Select(id => (ChainNames.MasqChain(network, id), ChainNames.MasqComment(network, id))).ToHashSet();
        string owned = ChainNames.MasqCommentPrefix(network);
        bool Stale(string chain, string? comment) =>
            comment is not null && comment.StartsWith(owned, StringComparison.Ordinal) && !keep.Contains((chain, comment)) &&
            (IsCut(comment) || chain == ChainNames.MasqChain(network, comment[owned.Length..^1]));

        foreach (bool v6 in new[] { false, true })
        {
            var state = FirewallTool.Save(v6, Table);
            var chains = state.Chains.Where(c => c.StartsWith("CNI-", StringComparison.Ordinal))
                .Concat(state.Rules(Entry).Select(IpTablesState.TargetOf).OfType<string>().Where(c => c.StartsWith("CNI-", StringComparison.Ordinal)))
                .Distinct(StringComparer.Ordinal);
            var lines = chains.SelectMany(chain => Removal(state, chain, c => Stale(chain, c))).ToList();
            FirewallTool.Restore(v6, Table, lines, $"collect masquerading of {network}");
        }
    }

    /// <summary>
    /// The restore lines that delete the POSTROUTING jumps to <paramref name="chain"/> and the rules in it whose
    /// comment is <paramref name="ours"/>, then the chain itself when no rule is left in it and nothing jumps to it.
    /// </summary>
    private static List<string> Removal(IpTablesState state, string chain, Func<string?, bool> ours)
    {
        var lines = new List<string>();
        bool referenced = false;
        foreach (string from in state.Chains)
        {
            foreach (string rule in state.Rules(from).Where(r => IpTablesState.TargetOf(r) == chain))
            {
                if (from == Entry && ours(IpTablesState.CommentOf(rule)))
                {
                    lines.Add($"-D {from} {rule}");
                }
                else
                {
                    referenced = true;
                }
            }
        }

        bool left = false;
        foreach (string rule in state.Rules(chain))
        {
            if (ours(IpTablesState.CommentOf(rule)))
            {
                lines.Add($"-D {chain} {rule}");
            }
            else
            {
                left = true;
            }
        }

        if (state.HasChain(chain) && !left && !referenced)
        {
            lines.Add($"-X {chain}");
        }

        return lines;
    }

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
