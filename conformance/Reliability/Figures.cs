using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace CniPlugins.Conformance.Reliability;

/// <summary>Counts what one test did (kills, verbs, retries, leaks) and prints it with the seed that replays it.</summary>
internal sealed class Figures(ITestOutputHelper output, string test)
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public void Add(string what, int n = 1) => _counts.AddOrUpdate(what, n, (_, v) => v + n);

    public int this[string what] => _counts.GetValueOrDefault(what);

    public void Note(string line) => output.WriteLine($"[{test}] {line}");

    /// <summary>Prints the figures; call it before the final assertions so a failing run shows them too.</summary>
    public void Print(IReadOnlyCollection<string> leaks)
    {
        string counts = string.Join(", ", _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        output.WriteLine($"[{test}] {counts}; leaks found {leaks.Count}");
        foreach (string leak in leaks)
        {
            output.WriteLine($"[{test}]   leak: {leak}");
        }

        output.WriteLine($"[{test}] {ReliabilitySettings.Describe()}");
    }
}
