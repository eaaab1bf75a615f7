using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// What the plugins may leave behind, decided once for the whole suite:
/// <list type="bullet">
/// <item>Host links: lo and the bridge (the reference never deletes a bridge, other containers share it).</item>
/// <item>Firewall (read as `nft -j list ruleset`, which on this machine's iptables-nft also shows every iptables
/// rule): base chains with no rules (the tables iptables-nft creates, `bridge nat PREROUTING` of macspoofchk), and
/// the reference's nftables masquerade scaffolding: table `inet cni_plugins_masquerade` with its empty
/// `masq_checks` chain and the three fixed rules of `postrouting` (two multicast returns and `goto masq_checks`).
/// Any other rule or any other regular chain (CNI-*, CNI-ISOLATION-*, cni-br-iface-*) is a leak.</item>
/// <item>dataDir: only the reference's names, `&lt;dataDir&gt;/&lt;network&gt;/{lock, last_reserved_ip.N,
/// &lt;ip&gt;}`; each &lt;ip&gt; is a reservation. Anything else is a leak.</item>
/// <item>No process left running in the host namespace.</item>
/// </list>
/// </summary>
internal static partial class Leaks
{
    public const string MasqTable = "cni_plugins_masquerade";

    /// <summary>Links of the host namespace other than lo and <paramref name="allowed"/>, as "name (kind)".</summary>
    public static List<string> HostLinks(TestNetns host, params string[] allowed) =>
        JsonNode.Parse(host.Ip("-j", "-d", "link", "show").EnsureSuccess("ip link").Stdout)!.AsArray()
            .Where(l => (string)l!["ifname"]! != "lo" && !allowed.Contains((string)l!["ifname"]!))
            .Select(l => $"{l!["ifname"]} ({l["linkinfo"]?["info_kind"] ?? "?"})")
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Every rule and regular chain of the namespace, as stable one-line descriptions (no handles, no counters).</summary>
    public static List<string> FirewallState(TestNetns host)
    {
        var items = new List<string>();
        foreach (var node in Ruleset(host))
        {
            if (node!["chain"] is JsonObject chain && chain["hook"] is null)
            {
                items.Add($"chain {chain["family"]} {chain["table"]} {chain["name"]}");
            }
            else if (node["rule"] is JsonObject rule)
            {
                string expr = Counter().Replace(rule["expr"]?.ToJsonString() ?? "", "");
                items.Add($"rule {rule["family"]} {rule["table"]} {rule["chain"]}: {rule["comment"]} {expr}");
            }
        }

        return items.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The firewall state minus the empty scaffolding the reference leaves too (see the class summary).</summary>
    public static List<string> FirewallLeaks(TestNetns host)
    {
        var leaks = new List<string>();
        int postroutingRules = 0;
        foreach (string item in FirewallState(host))
        {
            if (item == $"chain inet {MasqTable} masq_checks")
            {
                continue;
            }

            if (item.StartsWith($"rule inet {MasqTable} postrouting:", StringComparison.Ordinal) &&
                (item.Contains("\"goto\":{\"target\":\"masq_checks\"}", StringComparison.Ordinal) || item.Contains("\"return\":null", StringComparison.Ordinal)) &&
                ++postroutingRules <= 3)
            {
                continue;
            }

            leaks.Add(item);
        }

        return leaks;
    }

    private static JsonArray Ruleset(TestNetns host) =>
        JsonNode.Parse(host.Exec("nft", "-j", "list", "ruleset").EnsureSuccess("nft list ruleset").Stdout)!["nftables"]!.AsArray();

    /// <summary>What host-local holds: reservations (address → owner) and names that are not the reference's.</summary>
    public sealed record StoreState(SortedDictionary<string, string> Reservations, List<string> Leftovers);

    public static StoreState Store(string dataDir)
    {
        var reservations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var leftovers = new List<string>();
        void Foreign(string path) => leftovers.Add(Path.GetRelativePath(dataDir, path));

        if (!Directory.Exists(dataDir))
        {
            return new StoreState(reservations, leftovers);
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(dataDir))
        {
            string name = Path.GetFileName(entry);
            if (!Directory.Exists(entry) || name.StartsWith('.'))
            {
                Foreign(entry);
                continue;
            }

            foreach (string f in Directory.EnumerateFileSystemEntries(entry))
            {
                string file = Path.GetFileName(f);
                if (Directory.Exists(f))
                {
                    Foreign(f);
                }
                else if (file == "lock" || LastReserved().IsMatch(file))
                {
                    // the reference's own
                }
                else if (IPAddress.TryParse(file, out _))
                {
                    reservations[$"{name}/{file}"] = File.ReadAllText(f).Replace("\r\n", " ", StringComparison.Ordinal);
                }
                else
                {
                    Foreign(f);
                }
            }
        }

        return new StoreState(reservations, leftovers);
    }

    /// <summary>Pids of the processes whose network namespace is the host namespace.</summary>
    public static int[] HostProcesses(TestNetns host) =>
        Shell.Ip("netns", "pids", host.Name).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();

    /// <summary>Every leak at the end of a test (nothing may be attached any more), one line each; empty when clean.</summary>
    public static List<string> Final(ReliabilityLab lab, bool withBridge)
    {
        var leaks = new List<string>();
        leaks.AddRange(HostLinks(lab.Host, withBridge ? [lab.BridgeName] : []).Select(l => "link " + l));
        leaks.AddRange(FirewallLeaks(lab.Host).Select(f => "firewall " + f));
        var store = Store(lab.DataDir);
        leaks.AddRange(store.Reservations.Select(r => $"reservation {r.Key} = {r.Value}"));
        leaks.AddRange(store.Leftovers.Select(l => "store file " + l));
        leaks.AddRange(HostProcesses(lab.Host).Select(p => $"process {p}"));
        return leaks;
    }

    [GeneratedRegex("^last_reserved_ip\\.[0-9]+$")]
    private static partial Regex LastReserved();

    [GeneratedRegex(",?\\{\"counter\":\\{[^}]*\\}\\}")]
    private static partial Regex Counter();
}
