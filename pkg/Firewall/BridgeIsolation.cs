using CniPlugins.Fs;
using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// Isolation between bridges, as Docker's bridge driver isolates user-defined networks: in the filter table,
/// FORWARD jumps to <c>CNI-ISOLATION-STAGE-1</c>, which sends traffic entering from an isolated bridge and leaving
/// by another interface to <c>CNI-ISOLATION-STAGE-2</c>, which drops it if it leaves by another isolated bridge.
/// Traffic to the gateway (INPUT) and out to other interfaces (masqueraded) is untouched. IPv4 and IPv6.
/// </summary>
public static class BridgeIsolation
{
    public const string Stage1 = "CNI-ISOLATION-STAGE-1";
    public const string Stage2 = "CNI-ISOLATION-STAGE-2";
    private const string Table = "filter";
    private const string LockPath = "/run/cni-plugins/isolation.lock";

    public static void Ensure(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = Lock();
        foreach (bool v6 in Families())
        {
            var state = FirewallTool.Save(v6, Table);
            var lines = new List<string>();
            foreach (string chain in new[] { Stage1, Stage2 })
            {
                if (!state.HasChain(chain))
                {
                    lines.Add($":{chain} - [0:0]");
                }
            }

            if (!state.Rules("FORWARD").Contains($"-j {Stage1}"))
            {
                lines.Add($"-I FORWARD -j {Stage1}");
            }

            if (!state.Rules(Stage1).Contains(Stage1Rule(bridgeName)))
            {
                lines.Add($"-A {Stage1} {Stage1Rule(bridgeName)}");
            }

            if (!state.Rules(Stage2).Contains(Stage2Rule(bridgeName)))
            {
                lines.Add($"-A {Stage2} {Stage2Rule(bridgeName)}");
            }

            FirewallTool.Restore(v6, Table, lines, $"isolate bridge {bridgeName}");
        }
    }

    /// <summary>Removes the bridge's rules, and the chains with their FORWARD jump once no bridge is left.</summary>
    public static void Remove(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = Lock();
        foreach (bool v6 in Families())
        {
            var state = FirewallTool.Save(v6, Table);
            if (!state.HasChain(Stage1) && !state.HasChain(Stage2))
            {
                continue;
            }

            var lines = new List<string>();
            var stage1 = state.Rules(Stage1).ToList();
            var stage2 = state.Rules(Stage2).ToList();
            if (stage1.Remove(Stage1Rule(bridgeName)))
            {
                lines.Add($"-D {Stage1} {Stage1Rule(bridgeName)}");
            }

            if (stage2.Remove(Stage2Rule(bridgeName)))
            {
                lines.Add($"-D {Stage2} {Stage2Rule(bridgeName)}");
            }

            if (stage1.Count == 0 && stage2.Count == 0)
            {
                lines.AddRange(state.Rules("FORWARD").Where(r => r == $"-j {Stage1}").Select(r => $"-D FORWARD {r}"));
                lines.AddRange(state.HasChain(Stage1) ? [$"-F {Stage1}", $"-X {Stage1}"] : []);
                lines.AddRange(state.HasChain(Stage2) ? [$"-F {Stage2}", $"-X {Stage2}"] : []);
            }

            FirewallTool.Restore(v6, Table, lines, $"remove isolation of bridge {bridgeName}");
        }
    }

    public static void Check(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        foreach (bool v6 in Families())
        {
            var state = FirewallTool.Save(v6, Table);
            if (!state.Rules("FORWARD").Contains($"-j {Stage1}") ||
                !state.Rules(Stage1).Contains(Stage1Rule(bridgeName)) ||
                !state.Rules(Stage2).Contains(Stage2Rule(bridgeName)))
            {
                throw new CniException(ErrorCode.Internal,
                    $"isolation rules of bridge {bridgeName} are missing from the {(v6 ? "ip6" : "ip")}tables filter table");
            }
        }
    }

    private static string Stage1Rule(string bridge) => $"-i {bridge} ! -o {bridge} -j {Stage2}";

    private static string Stage2Rule(string bridge) => $"-o {bridge} -j DROP";

    /// <summary>IPv6 rules only where ip6tables is installed.</summary>
    private static bool[] Families() => FirewallTool.Exists("ip6tables-restore") ? [false, true] : [false];

    /// <summary>The stage chains are shared by every bridge: one change at a time.</summary>
    private static FileLock Lock()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
        return FileLock.Acquire(LockPath, 0x180 /* 0600 */);
    }
}
