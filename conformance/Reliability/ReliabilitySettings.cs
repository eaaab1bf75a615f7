using System.Globalization;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// How hard the reliability suite pushes. The CI run is bounded (about three minutes in all); CNI_RELIABILITY_LONG=1
/// multiplies every loop, and CNI_RELIABILITY_SEED replays a run whose seed a failure printed.
/// </summary>
internal static class ReliabilitySettings
{
    /// <summary>The default seed is fixed so that a CI failure reproduces with the same command.</summary>
    public const int DefaultSeed = 20261202;

    public static readonly bool Long = Environment.GetEnvironmentVariable("CNI_RELIABILITY_LONG") == "1";

    public static readonly int Seed =
        int.TryParse(Environment.GetEnvironmentVariable("CNI_RELIABILITY_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)
            ? s
            : DefaultSeed;

    /// <summary>Loop counts: the CI figure, times ten in the long mode.</summary>
    public static int Scale(int ci) => Long ? ci * 10 : ci;

    /// <summary>A generator per test, derived from the run's seed and the test's name so tests stay independent.</summary>
    public static Random Rng(string test)
    {
        int h = Seed;
        foreach (char c in test)
        {
            h = unchecked((h * 31) + c);
        }

        return new Random(h);
    }

    public static string Describe() =>
        $"seed {Seed} ({(Long ? "long" : "CI")} mode); replay: CNI_RELIABILITY_SEED={Seed}{(Long ? " CNI_RELIABILITY_LONG=1" : "")} " +
        "dotnet test conformance/Conformance.csproj --filter FullyQualifiedName~Reliability";
}
