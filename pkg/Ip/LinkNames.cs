
namespace CniPlugins.Ip;

/// <summary>Names for links that exist only for a moment or must not collide with anything already there.</summary>
public static class LinkNames
{
    /// <summary>
    /// "veth" and 8 random hex digits, as the reference's RandomVethName. Links created straight into another
    /// namespace get such a name first and are renamed there, since the kernel checks the name against both
    /// namespaces while the link is moved.
    /// </summary>
    public static string RandomVethName() =>
        "veth" + ((uint)Random.Shared.NextInt64(1L << 32)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}
