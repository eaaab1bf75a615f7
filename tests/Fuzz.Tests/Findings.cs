using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Crash classes the fuzzer found whose fix has not landed: while one is listed it is counted and printed but does
/// not fail the run. None is open; the ones found so far (non-UTF-8 configs, escaped lone surrogates, results
/// without an address) are fixed and fail the run again if they come back.
/// </summary>
internal static class FuzzKnownBugs
{
    private static readonly string[] s_openClassPrefixes = [];

    public static bool IsKnown(string crashClass) =>
        s_openClassPrefixes.Any(p => crashClass.StartsWith(p, StringComparison.Ordinal));
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
        var into = FuzzKnownBugs.IsKnown(crashClass) ? _known : _crashes;
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
