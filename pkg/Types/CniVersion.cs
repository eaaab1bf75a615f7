namespace CniPlugins.Types;

/// <summary>The CNI specification versions and the gates between them.</summary>
public static class CniVersion
{
    public const string Current = "1.1.0";

    /// <summary>Every version this suite reads and writes, oldest first (the reference's version.All).</summary>
    public static readonly string[] All = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    /// <summary>A config without cniVersion is read as 0.1.0, as the reference library does.</summary>
    public const string Default = "0.1.0";

    public static bool IsSupported(string version) => Array.IndexOf(All, version) >= 0;

    /// <summary>Compares two dotted versions numerically; returns null if either is malformed.</summary>
    public static int? Compare(string a, string b)
    {
        if (!TryParse(a, out var va) || !TryParse(b, out var vb))
        {
            return null;
        }

        return va.CompareTo(vb);
    }

    public static bool AtLeast(string version, string minimum) => Compare(version, minimum) >= 0;

    /// <summary>0.1.0 and 0.2.0 results use the ip4/ip6 shape.</summary>
    public static bool IsLegacy020(string version) => version is "0.1.0" or "0.2.0";

    /// <summary>0.3.0, 0.3.1 and 0.4.0 results carry ips[].version.</summary>
    public static bool Is04x(string version) => version is "0.3.0" or "0.3.1" or "0.4.0";

    private static bool TryParse(string s, out Version v)
    {
        v = new Version(0, 0);
        return s.Count(c => c == '.') == 2 && Version.TryParse(s, out v!);
    }
}
