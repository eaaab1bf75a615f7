namespace CniPlugins.Firewall;

/// <summary>One table as iptables-save prints it: the chains, each with its rules as printed after "-A CHAIN ".</summary>
internal sealed class IpTablesState
{
    private const string CommentOption = "--comment ";

    private readonly Dictionary<string, List<string>> _chains = new(StringComparer.Ordinal);

    public IEnumerable<string> Chains => _chains.Keys;

    public bool HasChain(string chain) => _chains.ContainsKey(chain);

    public IReadOnlyList<string> Rules(string chain) => _chains.TryGetValue(chain, out var r) ? r : [];

    public static IpTablesState Parse(string save)
    {
        var state = new IpTablesState();
        foreach (string line in save.Split('\n'))
        {
            if (line.StartsWith(':'))
            {
                state._chains.TryAdd(line[1..].Split(' ')[0], []);
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                int space = line.IndexOf(' ', 3);
                string chain = line[3..space];
                if (!state._chains.TryGetValue(chain, out var rules))
                {
                    state._chains[chain] = rules = [];
                }

                rules.Add(line[(space + 1)..]);
            }
        }

        return state;
    }

    /// <summary>
    /// The rule's comment as the kernel holds it: iptables-save quotes it when it has anything beyond letters,
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

        var text = new System.Text.StringBuilder();
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

        return null; // unterminated: not something iptables-save prints
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
