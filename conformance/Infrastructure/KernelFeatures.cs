namespace CniPlugins.Conformance.Infrastructure;

/// <summary>
/// What the running kernel can do, probed once with iproute2 in a namespace of our own, so a test that needs a
/// missing feature is skipped with the reason instead of passing without having checked anything.
/// </summary>
public static class KernelFeatures
{
    private static readonly Lazy<string?> s_bridgeVlanFiltering = new(() =>
    {
        using var ns = new TestNetns("probe");
        var o = ns.Ip("link", "add", "cnitprobe0", "type", "bridge", "vlan_filtering", "1");
        return o.ExitCode == 0 ? null : o.Stderr.Trim();
    });

    /// <summary>Null when a bridge with vlan_filtering can be made; otherwise what iproute2 said.</summary>
    public static string? BridgeVlanFilteringMissing => s_bridgeVlanFiltering.Value;

    public static bool HasBridgeVlanFiltering => BridgeVlanFilteringMissing is null;
}
