using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Bridge;

/// <summary>
/// A throwaway world for the bridge plugin: a "host" namespace where the plugin runs (and where the bridge, the
/// host veths and the firewall rules live) and container namespaces. Each side of a comparison gets its own lab, so
/// ours and the reference never share a bridge or a store. Ours delegates to our host-local, the reference to its own.
/// </summary>
internal sealed class BridgeLab : IDisposable
{
    public const string NetName = "brnet";

    private readonly List<TestNetns> _containers = [];

    public BridgeLab(bool ours)
    {
        Ours = ours;
        Host = new TestNetns("host");
        DataDir = Directory.CreateTempSubdirectory("cnit-bridge-").FullName;
    }

    public bool Ours { get; }

    public TestNetns Host { get; }

    public string DataDir { get; }

    public string Binary => Ours ? Paths.Ours("bridge") : Paths.Reference("bridge");

    public TestNetns NewContainer()
    {
        var ns = new TestNetns("ctr");
        _containers.Add(ns);
        return ns;
    }

    /// <summary>A bridge config: extra raw JSON members, and the ranges of host-local (null for an L2-only config).</summary>
    public string Conf(string version, string extra = "", string? ranges = """[[{"subnet":"10.88.0.0/24"}]]""", string ipamExtra = "")
    {
        string ipam = ranges is null
            ? ""
            : $$""","ipam":{"type":"host-local","ranges":{{ranges}},"dataDir":"{{DataDir}}","indexDir":"{{DataDir}}/.index"{{ipamExtra}}}""";
        string more = extra.Length > 0 ? "," + extra : "";
        return $$"""{"cniVersion":"{{version}}","name":"{{NetName}}","type":"bridge","bridge":"cnitbr0"{{more}}{{ipam}}}""";
    }

    /// <summary>The config with the ADD result as prevResult, as a runtime sends it to CHECK and DEL.</summary>
    public static string WithPrev(string conf, string result) => conf[..^1] + ",\"prevResult\":" + result + "}";

    public CniOutcome Run(CniCall call, string conf) => Plugin.Exec(Binary, call, conf, Host);

    public CniOutcome Add(TestNetns ctr, string conf, string id = "c1", string ifName = "eth0") =>
        Run(CniCall.Add(id, ctr.Path, ifName), conf);

    /// <summary>The addresses host-local holds for the network.</summary>
    public string[] ReservedIps()
    {
        string dir = Path.Combine(DataDir, NetName);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>()
                .Where(f => f != "lock" && !f.StartsWith("last_reserved_ip", StringComparison.Ordinal) && !f.StartsWith('.')).ToArray()
            : [];
    }

    /// <summary><c>ip -j -d link show</c> of one link, or null.</summary>
    public static JsonNode? Link(TestNetns ns, string name)
    {
        var o = ns.Ip("-j", "-d", "link", "show", name);
        return o.ExitCode == 0 ? JsonNode.Parse(o.Stdout)![0] : null;
    }

    /// <summary>Names of the links in <paramref name="ns"/> other than lo.</summary>
    public static string[] Links(TestNetns ns) =>
        JsonNode.Parse(ns.Ip("-j", "link", "show").EnsureSuccess("ip link").Stdout)!.AsArray()
            .Select(l => (string)l!["ifname"]!).Where(n => n != "lo").ToArray();

    /// <summary>"addr/prefix" of the global addresses on a link.</summary>
    public static string[] Addresses(TestNetns ns, string name) =>
        JsonNode.Parse(ns.Ip("-j", "addr", "show", "dev", name).EnsureSuccess("ip addr").Stdout)!.AsArray()
            .SelectMany(l => l!["addr_info"]!.AsArray())
            .Where(a => (string?)a!["scope"] == "global")
            .Select(a => $"{a!["local"]}/{a["prefixlen"]}").Order().ToArray();

    /// <summary>The routes of a namespace as "dst via gw dev" lines, kernel and link-local ones left out.</summary>
    public static string[] Routes(TestNetns ns, string family = "-4") =>
        JsonNode.Parse(ns.Ip("-j", family, "route", "show").EnsureSuccess("ip route").Stdout)!.AsArray()
            .Where(r => !((string?)r!["dst"] ?? "").StartsWith("fe80", StringComparison.Ordinal))
            .Select(r => $"{r!["dst"]} via {r["gateway"]} dev {r["dev"]}").Order().ToArray();

    /// <summary>The nat table's rules in the host namespace, chain names of attachments kept (they are deterministic).</summary>
    public string[] NatRules(bool ipv6 = false) =>
        Host.Exec(ipv6 ? "ip6tables-save" : "iptables-save", "-t", "nat").EnsureSuccess("iptables-save").Stdout.Split('\n')
            .Where(l => l.StartsWith("-A ", StringComparison.Ordinal) || l.StartsWith(":CNI", StringComparison.Ordinal))
            .Select(l => l.StartsWith(':') ? l.Split(' ')[0] : l).ToArray();

    public void Dispose()
    {
        foreach (var ns in _containers)
        {
            ns.Dispose();
        }

        Host.Dispose();
        Directory.Delete(DataDir, recursive: true);
    }
}
