using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Macvlan;

/// <summary>The config's <c>mode</c> and the kernel's MACVLAN_MODE_* values, spelled as the reference spells them.</summary>
internal static class MacvlanMode
{
    /// <summary>"" and "bridge" are bridge; note "passthru", not "passthrough" (the reference's spelling).</summary>
    public static uint Parse(string? mode) => mode switch
    {
        null or "" or "bridge" => Rtnl.MACVLAN_MODE_BRIDGE,
        "private" => Rtnl.MACVLAN_MODE_PRIVATE,
        "vepa" => Rtnl.MACVLAN_MODE_VEPA,
        "passthru" => Rtnl.MACVLAN_MODE_PASSTHRU,
        _ => throw CniException.InvalidConfig($"unknown macvlan mode: \"{mode}\"",
            "mode must be one of \"bridge\" (default), \"private\", \"vepa\" or \"passthru\""),
    };

    public static string Format(uint mode) => mode switch
    {
        Rtnl.MACVLAN_MODE_BRIDGE => "bridge",
        Rtnl.MACVLAN_MODE_PRIVATE => "private",
        Rtnl.MACVLAN_MODE_VEPA => "vepa",
        Rtnl.MACVLAN_MODE_PASSTHRU => "passthru",
        _ => $"unknown ({mode})",
    };
}
