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
    /// <summary>The most of a failing tool's output kept in the error's details.</summary>
    private const int DetailsMax = 4096;

    /// <summary>
    /// Tests only: when set, a program this thread would run is added here instead and the call fails, so a test
    /// of a refusal never reaches the machine's firewall even when the refusal is broken.
    /// </summary>
    [ThreadStatic]
    internal static List<string>? Intercepted;

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

    /// <summary>
    /// Runs a program; returns its exit code and stdout. A quiet run is a probe: its complaints are not ours.
    /// A transaction's stderr is captured with its stdout, so a failure can say what the tool said.
    /// </summary>
    public static (int Code, string Stdout) Run(string program, IReadOnlyList<string> args, string stdin = "", bool quiet = false,
        bool transaction = false)
    {
        if (Intercepted is { } intercepted)
        {
            intercepted.Add(program);
            throw new InvalidOperationException($"test: {program} would have run");
        }

        var o = ChildProcess.Run(ChildProcess.FindProgram(program), args, Encoding.UTF8.GetBytes(stdin), quiet: quiet,
            stderrToStdout: transaction);
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
        string tool = ipv6 ? "ip6tables-restore" : "iptables-restore";
        var (code, output) = Run(tool, ["--noflush", "-w"], batch, transaction: true);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to {what}: {tool} exited with {code}", Details(output));
        }
    }

    /// <summary>Applies one nft transaction.</summary>
    public static void Nft(string batch, string what)
    {
        var (code, output) = Run("nft", ["-f", "-"], batch, transaction: true);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to {what}: nft exited with {code}", Details(output));
        }
    }

    /// <summary>Quotes a string for iptables-restore the way iptables-save prints it (xtables_save_string).</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("'", "\\'") + "\"";

    private static string Details(string output)
    {
        string text = output.Trim();
        return text.Length == 0 ? "the tool printed nothing" : text.Length > DetailsMax ? text[..DetailsMax] + "..." : text;
    }
}
