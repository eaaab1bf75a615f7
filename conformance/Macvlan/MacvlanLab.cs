using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Macvlan;

/// <summary>
/// A throwaway world for macvlan: a "host" namespace whose NIC (<see cref="Master"/>) is one end of a veth pair,
/// the other end sitting in a "physical network" namespace that answers at <see cref="PhysIp"/>. Plugins run inside
/// the host namespace; containers are further namespaces. Nothing is routed out of these namespaces.
/// </summary>
internal sealed class MacvlanLab : IDisposable
{
    public const string Master = "eth0";
    public const string PhysIp = "10.77.0.1";
    public const string NetName = "mvnet";

    /// <summary>The reference IPAM drives both sides, so only the macvlan plugins differ.</summary>
    public const string CniPath = "/usr/lib/cni";

    private readonly List<TestNetns> _containers = [];

    public MacvlanLab(bool defaultRoute = false)
    {
        Host = new TestNetns("host");
        Phys = new TestNetns("phys");
        Host.Ip("link", "add", Master, "type", "veth", "peer", "name", "uplink", "netns", Phys.Name).EnsureSuccess("veth");
        Host.Ip("link", "set", Master, "up").EnsureSuccess("master up");
        Phys.Ip("link", "set", "uplink", "up").EnsureSuccess("uplink up");
        Phys.Ip("addr", "add", PhysIp + "/24", "dev", "uplink").EnsureSuccess("phys addr");
        if (defaultRoute)
        {
            Host.Ip("route", "add", "default", "dev", Master).EnsureSuccess("host default route");
        }

        DataDir = Directory.CreateTempSubdirectory("cnit-macvlan-").FullName;
    }

    public TestNetns Host { get; }

    public TestNetns Phys { get; }

    /// <summary>host-local's store for this lab.</summary>
    public string DataDir { get; }

    public TestNetns NewContainer()
    {
        var ns = new TestNetns("ctr");
        _containers.Add(ns);
        return ns;
    }

    /// <summary>A config with the given extra keys (raw JSON members, e.g. <c>"mode":"private"</c>).</summary>
    /// <param name="ipam">host-local on 10.77.0.0/24 with this lab's store; false for an L2-only config.</param>
    public string Conf(string version, string extra = "", bool ipam = true, string ipamExtra = "")
    {
        string ipamJson = ipam
            ? $$""","ipam":{"type":"host-local","subnet":"10.77.0.0/24","rangeStart":"10.77.0.10","dataDir":"{{DataDir}}","indexDir":"{{DataDir}}/.index"{{ipamExtra}}}"""
            : "";
        string more = extra.Length > 0 ? "," + extra : "";
        return $$"""{"cniVersion":"{{version}}","name":"{{NetName}}","type":"macvlan","master":"{{Master}}"{{more}}{{ipamJson}}}""";
    }

    /// <summary>Runs a plugin in the host namespace, as a runtime on that host would.</summary>
    public CniOutcome Run(string binary, CniCall call, string conf) =>
        Plugin.Exec(binary, call with { CniPath = call.CniPath ?? CniPath }, conf, Host);

    /// <summary>The addresses host-local holds for this lab's network (its files, minus bookkeeping).</summary>
    public string[] ReservedIps()
    {
        string dir = Path.Combine(DataDir, NetName);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Where(f => f is not "lock" && !f.StartsWith("last_reserved_ip", StringComparison.Ordinal)).ToArray()
            : [];
    }

    /// <summary>Names of the links in <paramref name="ns"/> other than lo.</summary>
    public static string[] Links(TestNetns ns) =>
        JsonNode.Parse(ns.Ip("-j", "link", "show").EnsureSuccess("ip link").Stdout)!.AsArray()
            .Select(l => (string)l!["ifname"]!).Where(n => n != "lo").ToArray();

    /// <summary>
    /// What the kernel holds for <paramref name="ifName"/> in <paramref name="ns"/>, as comparable text: kind, mode,
    /// MTU, state, parent, global addresses, routes, arp_notify. The MAC only when <paramref name="withMac"/>.
    /// </summary>
    public static string KernelState(TestNetns ns, string ifName, bool withMac = false)
    {
        var link = JsonNode.Parse(ns.Ip("-j", "-d", "link", "show", "dev", ifName).EnsureSuccess("ip -d link").Stdout)![0]!;
        var addrs = JsonNode.Parse(ns.Ip("-j", "addr", "show", "dev", ifName).EnsureSuccess("ip addr").Stdout)![0]!["addr_info"]!
            .AsArray().Where(a => (string?)a!["scope"] == "global").Select(a => $"{a!["local"]}/{a["prefixlen"]}");
        var routes = JsonNode.Parse(ns.Ip("-j", "route", "show").EnsureSuccess("ip route").Stdout)!.AsArray()
            .Select(r => $"{r!["dst"]} via {r["gateway"]} dev {r["dev"]} scope {r["scope"]}");
        string mac = withMac ? $" mac={link["address"]}" : "";
        return $"name={link["ifname"]} kind={link["linkinfo"]?["info_kind"]} mode={link["linkinfo"]?["info_data"]?["mode"]} " +
               $"mtu={link["mtu"]} up={link["flags"]!.AsArray().Any(f => (string?)f == "UP")} parent={link["link"]}{mac}\n" +
               $"addrs: {string.Join(", ", addrs)}\nroutes: {string.Join("; ", routes)}\n" +
               $"arp_notify={ns.Sysctl($"net.ipv4.conf.{ifName}.arp_notify")}";
    }

    public void Dispose()
    {
        foreach (var ns in _containers)
        {
            ns.Dispose();
        }

        Host.Dispose();
        Phys.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
