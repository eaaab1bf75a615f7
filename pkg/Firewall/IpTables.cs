using System.Text;
using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// iptables and ip6tables for every plugin: a verb reads only the chains it touches (<c>iptables -S CHAIN</c>:
/// on a node where kube-proxy keeps tens of thousands of nat rules, a whole-table <c>iptables-save</c> costs
/// hundreds of milliseconds) and writes in one <c>iptables-restore --noflush</c> transaction (<see cref="IpTablesBatch"/>).
/// </summary>
public static class IpTables
{
    private const string CommentOption = "--comment ";

    /// <summary>True when the family's tools are installed: iptables, or ip6tables for <paramref name="ipv6"/>.</summary>
    public static bool Available(bool ipv6) => FirewallTool.Exists(ipv6 ? "ip6tables" : "iptables");

    /// <summary>
    /// One chain as <c>iptables -t table -S chain</c> prints it, or null when the chain does not exist
    /// (iptables exits with 1 then; other failures are errors that carry the tool's words).
    /// </summary>
    public static IpTablesChain? ListChain(bool ipv6, string table, string chain)
    {
        string tool = ipv6 ? "ip6tables" : "iptables";
        var (code, output) = FirewallTool.Run(tool, ["-w", "-t", table, "-S", chain]);
        if (code == 1)
        {
            return null;
        }

        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to list chain {chain} of the {table} table: {tool} exited with {code}",
                FirewallTool.Details(output));
        }

        string prefix = $"-A {chain} ";
        var rules = output.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..]);
        return new IpTablesChain(chain, rules.ToList());
    }

    /// <summary>Quotes a string for iptables-restore the way iptables-save prints it (xtables_save_string).</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("'", "\\'") + "\"";

    /// <summary>
    /// The rule's comment as the kernel holds it: iptables quotes it when it has anything beyond letters,
    /// digits, '-' and '_', and escapes '"', '\' and '\'' inside the quotes. Null when the rule has none.
    /// </summary>
    public static string? CommentOf(string rule)
    {
        int start = rule.IndexOf(CommentOption, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += CommentOption.Length;
        if (start >= rule.Length || rule[start] != '"')
        {
            int space = rule.IndexOf(' ', start);
            return space < 0 ? rule[start..] : rule[start..space];
        }

        var text = new StringBuilder();
        for (int i = start + 1; i < rule.Length; i++)
        {
            char c = rule[i];
            if (c == '"')
            {
                return text.ToString();
            }

            if (c == '\\' && i + 1 < rule.Length)
            {
                c = rule[++i];
            }

            text.Append(c);
        }

        return null; // unterminated: not something iptables prints
    }

    /// <summary>The rule's target (<c>-j X</c>, printed last when it has no options), or null.</summary>
    public static string? TargetOf(string rule)
    {
        int j = rule.LastIndexOf(" -j ", StringComparison.Ordinal);
        int start = j >= 0 ? j + 4 : rule.StartsWith("-j ", StringComparison.Ordinal) ? 3 : -1;
        if (start < 0)
        {
            return null;
        }

        int end = rule.IndexOf(' ', start);
        return end < 0 ? rule[start..] : rule[start..end];
    }
}

/// <summary>One chain's rules, each as printed after <c>-A CHAIN </c>.</summary>
public sealed class IpTablesChain(string name, IReadOnlyList<string> rules)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Rules { get; } = rules;

    public bool Contains(string rule) => Rules.Contains(rule, StringComparer.Ordinal);

    /// <summary>The rules whose comment is exactly <paramref name="comment"/>.</summary>
    public IEnumerable<string> WithComment(string comment) => Rules.Where(r => IpTables.CommentOf(r) == comment);
}
