using CniPlugins.Firewall;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>
/// Isolation between bridges, as Docker's bridge driver isolates user-defined networks: in the filter table,
/// FORWARD jumps to <c>CNI-ISOLATION-STAGE-1</c>, which sends traffic entering from an isolated bridge and leaving
/// by another interface to <c>CNI-ISOLATION-STAGE-2</c>, which drops it if it leaves by another isolated bridge.
/// Traffic to the gateway (INPUT) and out to other interfaces (masqueraded) is untouched. IPv4 and IPv6. Each verb
/// reads FORWARD and the two stage chains, and writes in one transaction per family.
/// </summary>
internal static class BridgeIsolation
{
    public const string Stage1 = "CNI-ISOLATION-STAGE-1";
    public const string Stage2 = "CNI-ISOLATION-STAGE-2";
    private const string Table = "filter";

    public static void Ensure(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = FirewallLock.Acquire("isolation");
        foreach (bool v6 in Families())
        {
            var (forward, stage1, stage2) = Read(v6);
            var batch = new IpTablesBatch(v6, Table);
            batch.AddRange(stage1 is null ? [$":{Stage1} - [0:0]"] : []);
            batch.AddRange(stage2 is null ? [$":{Stage2} - [0:0]"] : []);
            if (forward?.Contains($"-j {Stage1}") != true)
            {
                batch.Add($"-I FORWARD -j {Stage1}");
            }

            if (stage1?.Contains(Stage1Rule(bridgeName)) != true)
            {
                batch.Add($"-A {Stage1} {Stage1Rule(bridgeName)}");
            }

            if (stage2?.Contains(Stage2Rule(bridgeName)) != true)
            {
                batch.Add($"-A {Stage2} {Stage2Rule(bridgeName)}");
            }

            batch.Commit($"isolate bridge {bridgeName}");
        }
    }

    /// <summary>Removes the bridge's rules, and the chains with their FORWARD jump once no bridge is left.</summary>
    public static void Remove(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = FirewallLock.Acquire("isolation");
        foreach (bool v6 in Families())
        {
            var (forward, stage1, stage2) = Read(v6);
            if (stage1 is null && stage2 is null)
            {
                continue;
            }

            var batch = new IpTablesBatch(v6, Table);
            var rules1 = stage1?.Rules.ToList() ?? [];
            var rules2 = stage2?.Rules.ToList() ?? [];
            if (rules1.Remove(Stage1Rule(bridgeName)))
            {
                batch.Add($"-D {Stage1} {Stage1Rule(bridgeName)}");
            }

            if (rules2.Remove(Stage2Rule(bridgeName)))
            {
                batch.Add($"-D {Stage2} {Stage2Rule(bridgeName)}");
            }

            if (rules1.Count == 0 && rules2.Count == 0)
            {
                batch.AddRange((forward?.Rules ?? []).Where(r => r == $"-j {Stage1}").Select(r => $"-D FORWARD {r}"));
                batch.AddRange(stage1 is not null ? [$"-F {Stage1}", $"-X {Stage1}"] : []);
                batch.AddRange(stage2 is not null ? [$"-F {Stage2}", $"-X {Stage2}"] : []);
            }

            batch.Commit($"remove isolation of bridge {bridgeName}");
        }
    }

    public static void Check(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        foreach (bool v6 in Families())
        {
            var (forward, stage1, stage2) = Read(v6);
            if (forward?.Contains($"-j {Stage1}") != true || stage1?.Contains(Stage1Rule(bridgeName)) != true ||
                stage2?.Contains(Stage2Rule(bridgeName)) != true)
            {
                throw new CniException(ErrorCode.Internal,
                    $"isolation rules of bridge {bridgeName} are missing from the {(v6 ? "ip6" : "ip")}tables filter table");
            }
        }
    }

    private static (IpTablesChain? Forward, IpTablesChain? Stage1, IpTablesChain? Stage2) Read(bool v6) =>
        (IpTables.ListChain(v6, Table, "FORWARD"), IpTables.ListChain(v6, Table, Stage1), IpTables.ListChain(v6, Table, Stage2));

    private static string Stage1Rule(string bridge) => $"-i {bridge} ! -o {bridge} -j {Stage2}";

    private static string Stage2Rule(string bridge) => $"-o {bridge} -j DROP";

    /// <summary>IPv6 rules only where ip6tables is installed.</summary>
    private static bool[] Families() => IpTables.Available(true) ? [false, true] : [false];
}
