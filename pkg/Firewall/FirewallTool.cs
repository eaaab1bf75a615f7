using System.Text;
using CniPlugins.Invoke;

namespace CniPlugins.Firewall;

/// <summary>
/// Runs the firewall programs (iptables, ip6tables and their restore tools, nft) with argument arrays, never a
/// shell. Every exec of the layer goes through here, so a test can stop them all at once.
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
    /// Runs a program; returns its exit code and its output, stderr included: a listing's complaint or a
    /// transaction's error is what the tool has to say, and goes in the error's details.
    /// </summary>
    public static (int Code, string Output) Run(string program, IReadOnlyList<string> args, string stdin = "")
    {
        if (Intercepted is { } intercepted)
        {
            intercepted.Add(program);
            throw new InvalidOperationException($"test: {program} would have run");
        }

        var o = ChildProcess.Run(ChildProcess.FindProgram(program), args, Encoding.UTF8.GetBytes(stdin), stderrToStdout: true);
        return (o.ExitCode, Encoding.UTF8.GetString(o.Stdout));
    }

    /// <summary>What a failing tool printed, trimmed and bounded, for a CNI error's details.</summary>
    public static string Details(string output)
    {
        string text = output.Trim();
        return text.Length == 0 ? "the tool printed nothing" : text.Length > DetailsMax ? text[..DetailsMax] + "..." : text;
    }
}
