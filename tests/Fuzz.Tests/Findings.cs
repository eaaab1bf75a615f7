using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Bugs the fuzzer found that others are fixing. While a switch is true its crash class is counted and printed but
/// does not fail the run; set it to false once the fix lands.
/// </summary>
internal static class FuzzKnownBugs
{
    /// <summary>A config that is not valid UTF-8 gives error 999 (an unhandled decoder exception) instead of 6.</summary>
    public const bool InvalidUtf8Gives999 = true;

    /// <summary>
    /// A JSON string escape that is a lone UTF-16 surrogate (<c>"\ud800"</c>) in a key the skeleton reads
    /// (cniVersion, name) gives error 999 (InvalidOperationException "Cannot read incomplete UTF-16 JSON text as
    /// string") instead of 6.
    /// </summary>
    public const bool LoneSurrogateGives999 = true;

    /// <summary>
    /// A result whose ips[] entry has no "address" throws NullReferenceException: when converted (seen 1.1.0 to
    /// 0.2.0, 0.4.0 to 0.3.1), and as prevResult of host-local CHECK (999 instead of a decoding or config error).
    /// </summary>
    public const bool ResultWithoutAddressNre = true;

    /// <summary>True when the input's prevResult has an ips[] entry without "address".</summary>
    public static bool HasPrevIpWithoutAddress(byte[] input)
    {
        try
        {
            var ips = System.Text.Json.Nodes.JsonNode.Parse(input)?["prevResult"]?["ips"]?.AsArray();
            return ips?.Any(ip => ip is System.Text.Json.Nodes.JsonObject o && o["address"] is null) == true;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    public static bool IsKnown(string crashClass, byte[] input) =>
        (ResultWithoutAddressNre && crashClass.StartsWith("result without address", StringComparison.Ordinal)) ||
        (ResultWithoutAddressNre && crashClass.StartsWith("999 System.NullReferenceException", StringComparison.Ordinal) && HasPrevIpWithoutAddress(input)) ||
        (InvalidUtf8Gives999 && crashClass.StartsWith("999", StringComparison.Ordinal) && !IsUtf8(input)) ||
        (LoneSurrogateGives999 && crashClass.Contains("UTF-16", StringComparison.Ordinal));

    public static bool IsUtf8(byte[] b)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(b);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}

/// <summary>Iterations, outcomes and crash classes of one fuzz target, with a sample input for each class.</summary>
internal sealed class Findings(string target)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (int Count, string Sample)> _crashes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (int Count, string Sample)> _known = new(StringComparer.Ordinal);

    public int Iterations { get; private set; }

    /// <summary>True while the run may go on: under its iteration count and its time budget.</summary>
    public bool More() => Iterations < FuzzSettings.Iterations && _clock.Elapsed < FuzzSettings.Budget;

    public void Ran(string outcome)
    {
        Iterations++;
        _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
    }

    public void Crash(string crashClass, byte[] input, string context = "")
    {
        var into = FuzzKnownBugs.IsKnown(crashClass, input) ? _known : _crashes;
        var (count, sample) = into.GetValueOrDefault(crashClass);
        into[crashClass] = (count + 1, sample ?? $"{context}{Show(input)}");
    }

    public IReadOnlyCollection<string> CrashClasses => _crashes.Keys;

    public void Print(ITestOutputHelper output)
    {
        output.WriteLine($"[{target}] {Iterations} inputs in {_clock.Elapsed.TotalSeconds:F1} s; outcomes: " +
                         string.Join(", ", _outcomes.Select(kv => $"{kv.Key} {kv.Value}")));
        foreach (var (cls, (count, sample)) in _crashes)
        {
            output.WriteLine($"[{target}] CRASH {cls} x{count}; first input: {sample}");
        }

        foreach (var (cls, (count, sample)) in _known)
        {
            output.WriteLine($"[{target}] known bug {cls} x{count}; first input: {sample}");
        }

        output.WriteLine($"[{target}] {FuzzSettings.Replay(target)}");
    }

    private static string Show(byte[] input)
    {
        var sb = new StringBuilder();
        foreach (byte b in input.Take(400))
        {
            sb.Append(b is >= 0x20 and < 0x7f and not (byte)'\\' ? (char)b : $"\\x{b:x2}");
        }

        return sb.Append(input.Length > 400 ? "..." : "").ToString();
    }
}
