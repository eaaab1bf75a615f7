using System.Text;
using CniPlugins.Firewall;
using CniPlugins.Types;

namespace CniPlugins.Portmap;

/// <summary>
/// The reference's iptables layout (plugins/meta/portmap/portmap.go, 1.1.1), rule for rule, so that rules either
/// suite made are removed by the other. In the nat table:
/// PREROUTING, OUTPUT: <c>-m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT</c>;
/// CNI-HOSTPORT-DNAT: per container and protocol, <c>-m multiport --dports p1,p2 -j CNI-DN-&lt;hash&gt;</c>;
/// CNI-DN-&lt;hash&gt;: per mapping, mark hairpin and localhost traffic, then DNAT to the container;
/// POSTROUTING (first): <c>-j CNI-HOSTPORT-MASQ</c>, which masquerades what CNI-HOSTPORT-SETMARK marked.
/// Rules are written as iptables prints them, so a listing tells what is there by string equality. The shared
/// chains stay when the last container goes, as the reference leaves them.
/// </summary>
internal static class IpTablesPortmap
{
    public const string DnatChain = "CNI-HOSTPORT-DNAT";
    public const string SetMarkChain = "CNI-HOSTPORT-SETMARK";
    public const string MasqChain = "CNI-HOSTPORT-MASQ";
    private const string Table = "nat";
    private const string DnatEntry = "-m addrtype --dst-type LOCAL -j " + DnatChain;
    private const string MasqEntry = "-m comment --comment \"CNI portfwd requiring masquerade\" -j " + MasqChain;

    public static string ContainerChain(string network, string containerId) => ChainNames.Hash("CNI-DN-", network + containerId, 28);

    /// <summary><c>dnat name: "net" id: "cid"</c>, cut as the reference cuts it (253 bytes and "...").</summary>
    public static string Comment(string network, string containerId)
    {
        string text = $"dnat name: \"{network}\" id: \"{containerId}\"";
        return Encoding.UTF8.GetByteCount(text) <= ChainNames.IpTablesCommentMax ? text : ChainNames.Cut(text, 253) + "...";
    }

    public static void Forward(PortmapConfig conf, string containerId, CidrAddress container)
    {
        bool v6 = !container.IsIPv4;
        string own = ContainerChain(conf.Name, containerId);
        using var guard = FirewallLock.Acquire("portmap"); // the CNI-HOSTPORT-* chains are shared by every container
        var batch = new IpTablesBatch(v6, Table);
        if (conf.SnatEnabled && conf.ExternalSetMarkChain is null)
        {
            string mark = $"0x{1u << conf.MarkBit:x}/0x{1u << conf.MarkBit:x}";
            Ensure(batch, v6, SetMarkChain, $"-m comment --comment \"CNI portfwd masquerade mark\" -j MARK --set-xmark {mark}");
            Ensure(batch, v6, MasqChain, $"-m mark --mark {mark} -j MASQUERADE");
            if (IpTables.ListChain(v6, Table, "POSTROUTING")?.Contains(MasqEntry) != true)
            {
                batch.Add($"-I POSTROUTING 1 {MasqEntry}");
            }
        }

        var dnat = Ensure(batch, v6, DnatChain, null);
        foreach (string entry in new[] { "PREROUTING", "OUTPUT" })
        {
            if (IpTables.ListChain(v6, Table, entry)?.Contains(DnatEntry) != true)
            {
                batch.Add($"-A {entry} {DnatEntry}");
            }
        }

        // The container's chain and jumps are rebuilt whole: a repeated ADD ends with what this one asks for.
        var existing = IpTables.ListChain(v6, Table, own);
        batch.Add(existing is null ? $":{own} - [0:0]" : $"-F {own}");
        batch.AddRange(ChainRules(conf, container).Select(r => $"-A {own} {r}"));
        batch.AddRange((dnat?.Rules ?? []).Where(r => IpTables.TargetOf(r) == own).Select(r => $"-D {DnatChain} {r}"));
        batch.AddRange(EntryRules(conf, containerId, v6).Select(r => $"-A {DnatChain} {r}"));
        batch.Commit($"set up port forwarding for {containerId}");
    }

    /// <summary>Removes the container's chain and the jumps to it; succeeds when they are gone already.</summary>
    public static void Unforward(string network, string containerId, bool v6)
    {
        string own = ContainerChain(network, containerId);
        if (IpTables.ListChain(v6, Table, own) is null)
        {
            return; // no chain, no jump to it
        }

        var dnat = IpTables.ListChain(v6, Table, DnatChain);
        new IpTablesBatch(v6, Table)
            .AddRange((dnat?.Rules ?? []).Where(r => IpTables.TargetOf(r) == own).Select(r => $"-D {DnatChain} {r}"))
            .Add($"-F {own}")
            .Add($"-X {own}")
            .Commit($"tear down port forwarding for {containerId}");
    }

    public static void Check(PortmapConfig conf, string containerId, CidrAddress container)
    {
        bool v6 = !container.IsIPv4;
        string own = ContainerChain(conf.Name, containerId);
        string family = v6 ? "ip6tables" : "iptables";
        var chain = IpTables.ListChain(v6, Table, own)
            ?? throw new CniException(ErrorCode.Internal, $"chain {own} not found in the {family} nat table");
        foreach (string rule in ChainRules(conf, container).Where(r => !chain.Contains(r)))
        {
            throw new CniException(ErrorCode.Internal, $"rule \"{rule}\" is missing from {family} chain {own}");
        }

        var dnat = IpTables.ListChain(v6, Table, DnatChain);
        var jumps = (dnat?.Rules ?? []).Where(r => IpTables.TargetOf(r) == own && IpTables.CommentOf(r) == Comment(conf.Name, containerId)).ToList();
        foreach (var (proto, ports) in PortGroups(conf))
        {
            if (!jumps.Any(r => r.StartsWith($"-p {proto} ", StringComparison.Ordinal) && r.Contains($" --dports {ports} ", StringComparison.Ordinal)))
            {
                throw new CniException(ErrorCode.Internal, $"the {proto} jump to {own} for ports {ports} is missing from {family} chain {DnatChain}");
            }
        }

        bool hasPrerouting = IpTables.ListChain(v6, Table, "PREROUTING")?.Contains(DnatEntry) == true;
        bool hasOutput = IpTables.ListChain(v6, Table, "OUTPUT")?.Contains(DnatEntry) == true;
        if (!hasPrerouting || !hasOutput)
        {
            throw new CniException(ErrorCode.Internal, $"the jumps to {DnatChain} are missing from {family} PREROUTING or OUTPUT");
        }
    }

    /// <summary>
    /// Removes the network's containers that are not in <paramref name="validIds"/>: the jumps whose comment names
    /// the network and whose chain is not a valid container's, and those chains.
    /// </summary>
    public static void Gc(string network, IReadOnlyCollection<string> validIds, bool v6)
    {
        if (IpTables.ListChain(v6, Table, DnatChain) is not { } dnat)
        {
            return;
        }

        var keep = validIds.Select(id => ContainerChain(network, id)).ToHashSet(StringComparer.Ordinal);
        string owned = $"dnat name: \"{network}\" id: \"";
        var stale = dnat.Rules
            .Where(r => IpTables.CommentOf(r)?.StartsWith(owned, StringComparison.Ordinal) == true)
            .Where(r => IpTables.TargetOf(r) is { } t && t.StartsWith("CNI-DN-", StringComparison.Ordinal) && !keep.Contains(t))
            .ToList();
        var batch = new IpTablesBatch(v6, Table).AddRange(stale.Select(r => $"-D {DnatChain} {r}"));
        foreach (string chain in stale.Select(r => IpTables.TargetOf(r)!).Distinct(StringComparer.Ordinal))
        {
            batch.Add($"-F {chain}").Add($"-X {chain}");
        }

        batch.Commit($"collect port forwarding of {network}");
    }

    /// <summary>The container chain's rules, per mapping of the address's family: hairpin mark, localhost mark (IPv4), DNAT.</summary>
    internal static List<string> ChainRules(PortmapConfig conf, CidrAddress container)
    {
        bool v6 = !container.IsIPv4;
        string setMark = conf.ExternalSetMarkChain ?? SetMarkChain;
        var rules = new List<string>();
        foreach (var m in conf.Mappings.Where(m => m.AppliesTo(v6)))
        {
            string dst = m.BoundIP is { } ip ? $"-d {ip}/{(v6 ? 128 : 32)} " : "";
            string match = $"{dst}-p {m.Proto} -m {m.Proto} --dport {m.HostPort}";
            if (conf.SnatEnabled)
            {
                // -s 0.0.0.0/0 (masqAll) is what iptables prints as no -s at all.
                rules.Add(conf.MasqAll ? $"{match} -j {setMark}" : $"-s {container.Network} {match} -j {setMark}");
                if (!v6 && !conf.MasqAll)
                {
                    rules.Add($"-s 127.0.0.1/32 {match} -j {setMark}");
                }
            }

            string to = v6 ? $"[{container.Address}]:{m.ContainerPort}" : $"{container.Address}:{m.ContainerPort}";
            rules.Add($"{match} -j DNAT --to-destination {to}");
        }

        return rules;
    }

    /// <summary>
    /// The jumps from CNI-HOSTPORT-DNAT: per protocol (sorted), the host ports of every mapping (both families', as
    /// the reference lists them) in groups of 15, multiport's limit, then the family's conditions.
    /// </summary>
    internal static List<string> EntryRules(PortmapConfig conf, string containerId, bool v6)
    {
        string comment = IpTables.Quote(Comment(conf.Name, containerId));
        string conditions = string.Concat(conf.Conditions(v6).Select(c => " " + Arg(c)));
        string own = ContainerChain(conf.Name, containerId);
        return PortGroups(conf)
            .Select(g => $"-p {g.Proto} -m comment --comment {comment} -m multiport --dports {g.Ports}{conditions} -j {own}")
            .ToList();
    }

    private static IEnumerable<(string Proto, string Ports)> PortGroups(PortmapConfig conf) =>
        conf.Mappings.GroupBy(m => m.Proto).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Select(m => m.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Chunk(15)
                .Select(c => (g.Key, string.Join(",", c))));

    /// <summary>A condition is one argument of iptables; in restore syntax it needs quotes when it holds a space.</summary>
    private static string Arg(string a) => a.Length == 0 || a.Contains(' ') || a.Contains('\'') ? IpTables.Quote(a) : a;

    /// <summary>Creates a shared chain when missing and appends its one rule when missing; returns the chain as it was.</summary>
    private static IpTablesChain? Ensure(IpTablesBatch batch, bool v6, string chain, string? rule)
    {
        var existing = IpTables.ListChain(v6, Table, chain);
        if (existing is null)
        {
            batch.Add($":{chain} - [0:0]");
        }

        if (rule is not null && existing?.Contains(rule) != true)
        {
            batch.Add($"-A {chain} {rule}");
        }

        return existing;
    }
}
