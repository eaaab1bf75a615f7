using System.Diagnostics;
using System.Text.Json.Nodes;
using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// One plugin set-up under test: host-local alone (no namespace), or bridge with its IPAM and one masquerade
/// backend (isolation and macspoofchk on). Knows how to attach a container, and what the lab looks like while
/// only the attachments it holds exist (the baseline every interrupted run must come back to).
/// </summary>
internal sealed class Variant(ReliabilityLab lab, string name)
{
    public const string HostLocalOnly = "host-local";

    public static readonly string[] All = [HostLocalOnly, "iptables", "nftables"];

    public string Name { get; } = name;

    public bool IsBridge => Name != HostLocalOnly;

    public string Binary => IsBridge ? ReliabilityLab.Bridge : ReliabilityLab.HostLocal;

    public string Conf => IsBridge ? lab.BridgeConf(Name) : lab.HostLocalConf();

    /// <summary>A sandbox for one attachment: a container namespace for bridge, none for host-local.</summary>
    public (TestNetns? Ns, string Path) NewSandbox()
    {
        if (!IsBridge)
        {
            return (null, lab.NoNetns);
        }

        var ns = lab.NewContainer();
        return (ns, ns.Path);
    }

    public void Drop(TestNetns? ns)
    {
        if (ns is not null)
        {
            lab.Drop(ns);
        }
    }

    /// <summary>A finished ADD: its sandbox, its result, the address it got and how long it took.</summary>
    public sealed record Attachment(string Id, TestNetns? Ns, string Path, string Result, string Address, TimeSpan Took)
    {
        public CniCall Call => CniCall.Add(Id, Path);
    }

    public Attachment Attach(string id)
    {
        var (ns, path) = NewSandbox();
        var sw = Stopwatch.StartNew();
        var add = lab.Run(Binary, CniCall.Add(id, path), Conf);
        sw.Stop();
        if (!add.Success)
        {
            throw new InvalidOperationException($"ADD {id} failed: {add}");
        }

        string address = ((string)JsonNode.Parse(add.Stdout)!["ips"]![0]!["address"]!).Split('/')[0];
        return new Attachment(id, ns, path, add.Stdout, address, sw.Elapsed);
    }

    /// <summary>The state that must hold whenever exactly the given attachments exist.</summary>
    public sealed record Snapshot(List<string> Links, List<string> Firewall, SortedDictionary<string, string> Reservations);

    public Snapshot Take() => new(
        Leaks.HostLinks(lab.Host, lab.BridgeName),
        Leaks.FirewallState(lab.Host),
        Leaks.Store(lab.DataDir).Reservations);

    /// <summary>Differences from <paramref name="baseline"/>, one line each, plus leftovers in the store and the sandbox.</summary>
    /// <param name="allowMissing">The test destroyed shared state itself (the bridge, the store, the rules): only
    /// what is there beyond the baseline counts.</param>
    public List<string> Differences(Snapshot baseline, TestNetns? sandbox, string context, bool allowMissing = false)
    {
        var now = Take();
        var diff = new List<string>();
        void Compare(string what, IEnumerable<string> expected, IEnumerable<string> actual)
        {
            diff.AddRange(actual.Except(expected).Select(x => $"{context}: extra {what} {x}"));
            if (!allowMissing)
            {
                diff.AddRange(expected.Except(actual).Select(x => $"{context}: missing {what} {x}"));
            }
        }

        Compare("host link", baseline.Links, now.Links);
        Compare("firewall", baseline.Firewall, now.Firewall);
        Compare("reservation", baseline.Reservations.Select(kv => $"{kv.Key} = {kv.Value}"), now.Reservations.Select(kv => $"{kv.Key} = {kv.Value}"));
        diff.AddRange(Leaks.Store(lab.DataDir).Leftovers.Select(l => $"{context}: store file {l}"));
        if (sandbox is not null)
        {
            diff.AddRange(BridgeLab.Links(sandbox).Select(l => $"{context}: container link {l}"));
        }

        return diff;
    }
}
