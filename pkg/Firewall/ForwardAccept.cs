using CniPlugins.Fs;
using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// Lets traffic through a bridge be forwarded on a host whose FORWARD policy is DROP (any host with Docker), as
/// flannel's FLANNEL-FWD chain does for its pod network: in the filter table, FORWARD jumps (appended, so an
/// administrator's earlier rules still win) to <c>CNI-VXLAN-FWD</c>, which accepts what enters or leaves by the
/// bridge. IPv4 and IPv6; only where iptables is installed (without it nothing sets such a policy). Each verb reads
/// just FORWARD and this chain, never the whole table.
/// </summary>
public static class ForwardAccept
{
    public const string Chain = "CNI-VXLAN-FWD";
    private const string Table = "filter";
    private const string Jump = $"-A FORWARD -j {Chain}";
    private const string LockPath = "/run/cni-plugins/forward.lock";

    public static void Ensure(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = Lock();
        foreach (bool v6 in Families())
        {
            var rules = ListChain(v6, Chain);
            var lines = new List<string>();
            if (rules is null)
            {
                lines.Add($":{Chain} - [0:0]");
            }

            if (ListChain(v6, "FORWARD")?.Contains(Jump) != true)
            {
                lines.Add(Jump);
            }

            lines.AddRange(Rules(bridgeName).Where(r => rules?.Contains(r) != true));
            FirewallTool.Restore(v6, Table, lines, $"accept forwarding through bridge {bridgeName}");
        }
    }

    /// <summary>Removes the bridge's rules, and the chain with its FORWARD jump once no bridge is left in it.</summary>
    public static void Remove(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = Lock();
        foreach (bool v6 in Families())
        {
            if (ListChain(v6, Chain) is not { } rules)
            {
                continue;
            }

            var lines = Rules(bridgeName).Where(rules.Contains).Select(r => "-D" + r[2..]).ToList();
            if (rules.All(Rules(bridgeName).Contains))
            {
                lines.AddRange(ListChain(v6, "FORWARD")?.Where(r => r == Jump).Select(_ => $"-D FORWARD -j {Chain}") ?? []);
                lines.Add($"-X {Chain}");
            }

            FirewallTool.Restore(v6, Table, lines, $"remove the forward rules of bridge {bridgeName}");
        }
    }

    public static void Check(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        foreach (bool v6 in Families())
        {
            var rules = ListChain(v6, Chain);
            if (ListChain(v6, "FORWARD")?.Contains(Jump) != true || rules is null || !Rules(bridgeName).All(rules.Contains))
            {
                throw new CniException(ErrorCode.Internal,
                    $"forward rules of bridge {bridgeName} are missing from the {(v6 ? "ip6" : "ip")}tables filter table ({Chain})");
            }
        }
    }

    /// <summary>The bridge's rules as <c>iptables -S</c> prints them.</summary>
    private static string[] Rules(string bridge) => [$"-A {Chain} -i {bridge} -j ACCEPT", $"-A {Chain} -o {bridge} -j ACCEPT"];

    /// <summary>The chain's rules (<c>iptables -S CHAIN</c>, without its policy or declaration line), or null when it does not exist.</summary>
    private static List<string>? ListChain(bool v6, string chain)
    {
        var (code, text) = FirewallTool.Run(v6 ? "ip6tables" : "iptables", ["-w", "-t", Table, "-S", chain], quiet: true);
        return code != 0 ? null : text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("-A ", StringComparison.Ordinal)).ToList();
    }

    private static bool[] Families() =>
        !FirewallTool.Exists("iptables-restore") ? [] : FirewallTool.Exists("ip6tables-restore") ? [false, true] : [false];

    /// <summary>The chain is shared by every bridge: one change at a time.</summary>
    private static FileLock Lock()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
        return FileLock.Acquire(LockPath, 0x180 /* 0600 */);
    }
}
