using System.Globalization;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Bounds of a run. CI: a fixed seed, each target stops at its iteration count or its time budget, whichever
/// comes first (the whole project well under a minute). Longer: CNI_FUZZ_ITERATIONS=200000 CNI_FUZZ_SECONDS=600.
/// </summary>
internal static class FuzzSettings
{
    public const int DefaultSeed = 4242;

    public static readonly int Seed = Int("CNI_FUZZ_SEED", DefaultSeed);

    public static readonly int Iterations = Int("CNI_FUZZ_ITERATIONS", 20000);

    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(Int("CNI_FUZZ_SECONDS", 5));

    private static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : fallback;

    public static Random Rng(string target)
    {
        int h = Seed;
        foreach (char c in target)
        {
            h = unchecked((h * 31) + c);
        }

        return new Random(h);
    }

    public static string Replay(string filter) =>
        $"replay: CNI_FUZZ_SEED={Seed} CNI_FUZZ_ITERATIONS={Iterations} CNI_FUZZ_SECONDS={(int)Budget.TotalSeconds} " +
        $"dotnet test tests/Fuzz.Tests --filter FullyQualifiedName~{filter}";
}
