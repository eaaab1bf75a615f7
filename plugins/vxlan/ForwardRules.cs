using CniPlugins.Firewall;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// Lets the overlay's traffic be forwarded on a host whose FORWARD policy is DROP (any host with Docker), as
/// flannel's FLANNEL-FWD chain does for its pod network: in the filter table, FORWARD jumps (appended, so an
/// administrator's earlier rules still win) to <c>CNI-VXLAN-FWD</c>, which accepts what enters or leaves by the
/// network's bridge. IPv4 and IPv6, where iptables is installed (without it nothing sets such a policy). Each
/// verb reads FORWARD and this chain, and writes in one transaction per family.
/// </summary>
internal static class ForwardRules
{
    public const string Chain = "CNI-VXLAN-FWD";
    private const string Table = "filter";
    private const string Jump = $"-j {Chain}";

    public static void Ensure(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = FirewallLock.Acquire("vxlan-forward");
        foreach (bool v6 in Families())
        {
            var (forward, chain) = Read(v6);
            var batch = new IpTablesBatch(v6, Table);
            batch.AddRange(chain is null ? [$":{Chain} - [0:0]"] : []);
            if (forward?.Contains(Jump) != true)
            {
                batch.Add($"-A FORWARD {Jump}");
            }

            batch.AddRange(Rules(bridgeName).Where(r => chain?.Contains(r) != true).Select(r => $"-A {Chain} {r}"));
            batch.Commit($"accept forwarding through bridge {bridgeName}");
        }
    }

    /// <summary>Removes the bridge's rules, and the chain with its FORWARD jump once no bridge is left in it.</summary>
    public static void Remove(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        using var guard = FirewallLock.Acquire("vxlan-forward");
        foreach (bool v6 in Families())
        {
            var (forward, chain) = Read(v6);
            if (chain is null)
            {
                continue;
            }

            var batch = new IpTablesBatch(v6, Table);
            var mine = Rules(bridgeName);
            batch.AddRange(mine.Where(chain.Contains).Select(r => $"-D {Chain} {r}"));

            // Array.IndexOf, not Enumerable.Contains: see host-local's AttachmentIndex.UpdateKeyFile.
            if (chain.Rules.All(r => Array.IndexOf(mine, r) >= 0))
            {
                batch.AddRange((forward?.Rules ?? []).Where(r => r == Jump).Select(r => $"-D FORWARD {r}"));
                batch.Add($"-X {Chain}");
            }

            batch.Commit($"remove the forward rules of bridge {bridgeName}");
        }
    }

    public static void Check(string bridgeName)
    {
        ScriptInput.MatchedBridge(bridgeName);
        foreach (bool v6 in Families())
        {
            var (forward, chain) = Read(v6);
            if (forward?.Contains(Jump) != true || chain is null || !Rules(bridgeName).All(chain.Contains))
            {
                throw new CniException(ErrorCode.Internal,
                    $"forward rules of bridge {bridgeName} are missing from the {(v6 ? "ip6" : "ip")}tables filter table ({Chain})");
            }
        }
    }

    /// <summary>The bridge's rules as <c>iptables -S</c> prints them after <c>-A CHAIN</c>.</summary>
    private static string[] Rules(string bridge) => [$"-i {bridge} -j ACCEPT", $"-o {bridge} -j ACCEPT"];

    private static (IpTablesChain? Forward, IpTablesChain? Chain) Read(bool v6) =>
        (IpTables.ListChain(v6, Table, "FORWARD"), IpTables.ListChain(v6, Table, Chain));

    private static bool[] Families() => !IpTables.Available(false) ? [] : IpTables.Available(true) ? [false, true] : [false];
}
