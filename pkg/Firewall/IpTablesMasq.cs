using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// The reference's iptables masquerade (pkg/ip/ipmasq_iptables_linux.go), one restore transaction per verb and
/// family. Per container a nat chain <c>CNI-&lt;hash&gt;</c>: ACCEPT to each address's own subnet, MASQUERADE to
/// anything not multicast; POSTROUTING sends each address there. All rules carry <c>name: "net" id: "cid"</c>.
/// </summary>
internal static class IpTablesMasq
{
    private const string Table = "nat";

    public static void Setup(string network, string containerId, IReadOnlyList<CidrAddress> ips)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        string comment = FirewallTool.Quote(ChainNames.MasqComment(network, containerId));
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
                lines.Add($"-F {chain}"); // rebuilt below in the reference's order: same rules, none twice
            }
            else
            {
                lines.Add($":{chain} - [0:0]");
            }

            var chainRules = new List<string>();
            foreach (var ip in family)
            {
                Unique(chainRules, $"-d {ip.Network} -m comment --comment {comment} -j ACCEPT");
                Unique(chainRules, $"! -d {(v6 ? "ff00::/8" : "224.0.0.0/4")} -m comment --comment {comment} -j MASQUERADE");
            }

            lines.AddRange(chainRules.Select(r => $"-A {chain} {r}"));
            foreach (var ip in family)
            {
                string jump = $"-s {CidrAddress.Host(ip.Address)} -m comment --comment {comment} -j {chain}";
                if (!state.Rules("POSTROUTING").Contains(jump))
                {
                    lines.Add($"-A POSTROUTING {jump}");
                }
            }

            FirewallTool.Restore(v6, Table, lines, $"set up masquerading for {containerId}");
        }
    }

    public static void Teardown(string network, string containerId) =>
        Remove(ChainNames.MasqChain(network, containerId), $"tear down masquerading for {containerId}");

    public static void Check(string network, string containerId, IReadOnlyList<CidrAddress> ips)
    {
        string chain = ChainNames.MasqChain(network, containerId);
        foreach (var ip in ips)
        {
            var state = FirewallTool.Save(!ip.IsIPv4, Table);
            string source = $"-s {CidrAddress.Host(ip.Address)} ";
            if (!state.HasChain(chain) || !state.Rules("POSTROUTING").Any(r => r.StartsWith(source, StringComparison.Ordinal) && r.EndsWith($"-j {chain}", StringComparison.Ordinal)))
            {
                throw new CniException(ErrorCode.Internal, $"masquerade rules for {ip.Address} (chain {chain}) are missing from the nat table");
            }
        }
    }

    /// <summary>Removes chains whose comment names this network and a container not in <paramref name="validIds"/>.</summary>
    public static void Gc(string network, HashSet<string> validIds)
    {
        foreach (bool v6 in new[] { false, true })
        {
            var state = FirewallTool.Save(v6, Table);
            foreach (string chain in state.Chains.Where(c => c.StartsWith("CNI-", StringComparison.Ordinal)).ToList())
            {
                var owner = state.Rules(chain).Select(r => ParseOwner(r)).FirstOrDefault(o => o is not null);
                if (owner is { } o && o.Network == network && !validIds.Contains(o.ContainerId) &&
                    chain == ChainNames.MasqChain(network, o.ContainerId))
                {
                    Remove(chain, $"collect masquerading of {o.ContainerId}", onlyFamily: v6);
                }
            }
        }
    }

    /// <summary>Deletes every POSTROUTING jump to <paramref name="chain"/>, then the chain, in each family where it exists.</summary>
    private static void Remove(string chain, string what, bool? onlyFamily = null)
    {
        foreach (bool v6 in new[] { false, true })
        {
            if (onlyFamily is bool f && f != v6)
            {
                continue;
            }

            var state = FirewallTool.Save(v6, Table);
            var lines = state.Rules("POSTROUTING")
                .Where(r => r.EndsWith($"-j {chain}", StringComparison.Ordinal))
                .Select(r => $"-D POSTROUTING {r}")
                .ToList();
            if (state.HasChain(chain))
            {
                lines.Add($"-F {chain}");
                lines.Add($"-X {chain}");
            }

            FirewallTool.Restore(v6, Table, lines, what);
        }
    }

    /// <summary>The network and container named in a rule's <c>name: "net" id: "cid"</c> comment.</summary>
    private static (string Network, string ContainerId)? ParseOwner(string rule)
    {
        const string marker = "--comment \"name: \\\"";
        int start = rule.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += marker.Length;
        int end = rule.IndexOf("\\\" id: \\\"", start, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        int idStart = end + "\\\" id: \\\"".Length;
        int idEnd = rule.IndexOf("\\\"\"", idStart, StringComparison.Ordinal);
        return idEnd < 0 ? null : (rule[start..end], rule[idStart..idEnd]);
    }

    private static void Unique(List<string> rules, string rule)
    {
        if (!rules.Contains(rule))
        {
            rules.Add(rule);
        }
    }
}
