using Xunit;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// Bugs the reliability suite found that are not fixed yet. While one is open, the test that proves it is skipped
/// with the bug's description (visible in every run), and the other tests tolerate exactly that symptom and print
/// it. Fixing the bug means setting its switch to false, which unskips the test and makes the symptom a failure.
/// </summary>
internal static class KnownBugs
{
    /// <summary>
    /// host-local keeps its index in <c>&lt;dataDir&gt;/.host-local-index/</c> (and a scratch file
    /// <c>.reserve.tmp</c>): names the reference never leaves in the data directory. The store rework moves the
    /// index to indexDir (default /run/cni/host-local/).
    /// </summary>
    public const bool HostLocalIndexInDataDir = true;

    public const string HostLocalIndexInDataDirText =
        "known bug: host-local leaves .host-local-index/ (and .reserve.tmp) in dataDir; the store rework moves them to indexDir";
}

/// <summary>A fact skipped while the named known bug is open.</summary>
internal sealed class KnownBugFactAttribute : FactAttribute
{
    public KnownBugFactAttribute(bool open, string bug)
    {
        if (open)
        {
            Skip = bug;
        }
    }
}
