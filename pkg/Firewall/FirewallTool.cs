using System.Text;
using CniPlugins.Invoke;
using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// The firewall programs the layer drives: iptables/ip6tables save and restore, and nft. Each verb reads the
/// current state once and applies all its changes in one restore transaction, exec'd with argument arrays.
/// </summary>
internal static class FirewallTool
{
    public static bool Exists(string program)
    {
        try
        {
            ChildProcess.FindProgram(program);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Runs a program; returns its exit code and stdout. A quiet run is a probe: its complaints are not ours.</summary>
    public static (int Code, string Stdout) Run(string program, IReadOnlyList<string> args, string stdin = "", bool quiet = false)
    {
        var o = ChildProcess.Run(ChildProcess.FindProgram(program), args, Encoding.UTF8.GetBytes(stdin), quiet: quiet);
        return (o.ExitCode, Encoding.UTF8.GetString(o.Stdout));
    }

    /// <summary><c>iptables-save -t table</c> (or ip6tables-save) parsed into chains and their rules.</summary>
    public static IpTablesState Save(bool ipv6, string table)
    {
        var (code, text) = Run(ipv6 ? "ip6tables-save" : "iptables-save", ["-t", table]);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to read the {table} table: {(ipv6 ? "ip6" : "ip")}tables-save exited with {code}");
        }

        return IpTablesState.Parse(text);
    }

    /// <summary>Applies one <c>*table ... COMMIT</c> batch without flushing anything else.</summary>
    public static void Restore(bool ipv6, string table, IReadOnlyList<string> lines, string what)
    {
        if (lines.Count == 0)
        {
            return;
        }

        string batch = $"*{table}\n{string.Join("\n", lines)}\nCOMMIT\n";
        var (code, _) = Run(ipv6 ? "ip6tables-restore" : "iptables-restore", ["--noflush", "-w"], batch);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to {what}: {(ipv6 ? "ip6" : "ip")}tables-restore exited with {code} (its error is on stderr)");
        }
    }

    /// <summary>Applies one nft transaction.</summary>
    public static void Nft(string batch, string what)
    {
        var (code, _) = Run("nft", ["-f", "-"], batch);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to {what}: nft exited with {code} (its error is on stderr)");
        }
    }

    /// <summary>Quotes a string for iptables-restore the way iptables-save prints it.</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>One table as iptables-save prints it: the chains, each with its rules as printed after "-A CHAIN ".</summary>
internal sealed class IpTablesState
{
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
}
