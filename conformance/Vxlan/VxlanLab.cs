using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>
/// A throwaway multi-host world for vxlan: an "underlay" namespace holding a Linux bridge (the physical network,
/// multicast snooping off because nothing on it is a querier) and N "host" namespaces, each joined to that bridge by a
/// veth (<c>eth0</c> in the host, 10.99.0.&lt;n&gt;/24 and fd99::&lt;n&gt;/64, default routes via the bridge's
/// addresses, so the plugin finds <c>eth0</c> as the interface of the default route). Every host has its own
/// host-local store, as separate machines would; containers are further namespaces per host. The plugin runs inside its
/// host's namespace. Nothing is routed out of these namespaces: the underlay namespace does not forward.
/// </summary>
internal sealed class VxlanLab : IDisposable
{
    public const string UnderlayBridge = "ulbr0";
    public const string UnderlayGateway = "10.99.0.254";
    public const string UnderlayGateway6 = "fd99::fe";

    /// <summary>The one subnet of an l2 network, shared by every host; each host gets a disjoint range of it.</summary>
    public const string L2Subnet = "10.60.0.0/24";

    private readonly List<VxlanHost> _hosts = [];

    public VxlanLab(int hosts)
    {
        try
        {
            Underlay = new TestNetns("ul");
            Underlay.Ip("link", "add", UnderlayBridge, "type", "bridge", "mcast_snooping", "0").EnsureSuccess("underlay bridge");
            Underlay.Ip("addr", "add", UnderlayGateway + "/24", "dev", UnderlayBridge).EnsureSuccess("underlay addr");
            Underlay.Ip("addr", "add", UnderlayGateway6 + "/64", "dev", UnderlayBridge, "nodad").EnsureSuccess("underlay addr6");
            Underlay.Ip("link", "set", UnderlayBridge, "up").EnsureSuccess("underlay bridge up");
            for (int i = 1; i <= hosts; i++)
            {
                _hosts.Add(new VxlanHost(this, i));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static string Binary => Paths.Ours("vxlan");

    public TestNetns Underlay { get; } = null!;

    public IReadOnlyList<VxlanHost> Hosts => _hosts;

    /// <summary>Host n, counted from 1 as in its address.</summary>
    public VxlanHost this[int n] => _hosts[n - 1];

    /// <summary>The JSON array of underlay addresses of <paramref name="peers"/> (an l2 <c>peers</c> value).</summary>
    public static string L2Peers(IEnumerable<VxlanHost> peers, bool ipv6 = false) =>
        "[" + string.Join(",", peers.Select(p => $"\"{(ipv6 ? p.Ip6 : p.Ip)}\"")) + "]";

    /// <summary>The JSON array of <c>{underlay, subnet}</c> of <paramref name="peers"/> (an l3 <c>peers</c> value).</summary>
    public static string L3Peers(IEnumerable<VxlanHost> peers) =>
        "[" + string.Join(",", peers.Select(p => $$"""{"underlay":"{{p.Ip}}","subnet":"{{p.L3Subnet}}"}""")) + "]";

    /// <summary>
    /// An l2 config for <paramref name="host"/>: <see cref="L2Subnet"/> (or <paramref name="subnetPrefix"/>.0/24) on
    /// every host, host n allocating from .(10n+offset) to .(10n+offset+9); peers default to every host of the lab
    /// (the host's own address included: the plugin skips it, so the same list serves every node).
    /// </summary>
    /// <param name="group">A multicast group to use instead of peers.</param>
    /// <param name="ipv6Underlay">Peers by their IPv6 underlay addresses.</param>
    public string L2Conf(VxlanHost host, int vni, string extra = "", IEnumerable<VxlanHost>? peers = null,
        bool gateway = true, string subnetPrefix = "10.60.0", int rangeOffset = 0, string? name = null, string? group = null,
        bool ipv6Underlay = false)
    {
        int start = (10 * host.Index) + rangeOffset;
        string flood = group is null ? $"\"peers\":{L2Peers(peers ?? _hosts, ipv6Underlay)}" : $"\"group\":\"{group}\"";
        string members = $"\"vni\":{vni},{flood}" + (gateway ? ",\"isGateway\":true" : "") + Comma(extra);
        string ipam = $$"""
            "subnet":"{{subnetPrefix}}.0/24","rangeStart":"{{subnetPrefix}}.{{start}}","rangeEnd":"{{subnetPrefix}}.{{start + 9}}"
            """;
        return host.Conf(name ?? NetName(vni), members, ipam);
    }

    /// <summary>
    /// An l3 config for <paramref name="host"/>: its own subnet 10.70.n.0/24 from host-local, and the same peers list
    /// on every node (default: every host of the lab, its own entry included).
    /// </summary>
    public string L3Conf(VxlanHost host, int vni, string extra = "", IEnumerable<VxlanHost>? peers = null, string? name = null)
    {
        string members = $"\"mode\":\"l3\",\"vni\":{vni},\"peers\":{L3Peers(peers ?? _hosts)}" + Comma(extra);
        return host.Conf(name ?? NetName(vni), members, $"\"subnet\":\"{host.L3Subnet}\"");
    }

    public static string NetName(int vni) => $"vx{vni}";

    /// <summary>
    /// Pings every (from, to) pair, a few in parallel, and returns the pairs that got no answer as "ns -> address"
    /// lines, so a failing assertion names each broken path.
    /// </summary>
    public static string[] Unreachable(IEnumerable<(VxlanContainer From, string To)> pairs)
    {
        var failed = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(pairs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, p =>
        {
            if (!Reaches(p.From.Ns, p.To))
            {
                failed.Add($"{p.From} -> {p.To}");
            }
        });
        return failed.Order().ToArray();
    }

    /// <summary>
    /// True when one echo of up to three is answered; the first may be lost to ARP resolution and the flood to every
    /// peer, hence retries (no timing is asserted).
    /// </summary>
    public static bool Reaches(TestNetns from, string address)
    {
        for (int i = 0; i < 3; i++)
        {
            if (from.Exec("ping", "-c", "1", "-W", "2", address).ExitCode == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when an echo with <paramref name="size"/> payload bytes and DF set (<c>-M do</c>) is answered: the IP
    /// packet is size + 28 bytes. Retried as <see cref="Reaches"/>.
    /// </summary>
    public static bool ReachesWithDf(TestNetns from, string address, int size)
    {
        for (int i = 0; i < 3; i++)
        {
            if (from.Exec("ping", "-c", "1", "-W", "2", "-M", "do", "-s", size.ToString(System.Globalization.CultureInfo.InvariantCulture), address).ExitCode == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>bridge -j fdb show dev</c> as "mac dst" lines (dst empty for local entries), in order.</summary>
    public static string[] Fdb(TestNetns ns, string dev) =>
        JsonNode.Parse(ns.Exec("bridge", "-j", "fdb", "show", "dev", dev).EnsureSuccess("bridge fdb").Stdout)!.AsArray()
            .Select(e => $"{e!["mac"]} {e["dst"]}".TrimEnd()).Order().ToArray();

    /// <summary>The FDB entries of <paramref name="dev"/> that point at a remote VTEP, as "mac dst self permanent" lines.</summary>
    public static string[] RemoteFdb(TestNetns ns, string dev) =>
        JsonNode.Parse(ns.Exec("bridge", "-j", "fdb", "show", "dev", dev).EnsureSuccess("bridge fdb").Stdout)!.AsArray()
            .Where(e => e!["dst"] is not null)
            .Select(e => $"{e!["mac"]} {e["dst"]} {string.Join(",", e["flags"]?.AsArray().Select(f => (string?)f) ?? [])} {e["state"]}".TrimEnd())
            .Order().ToArray();

    /// <summary>
    /// The all-zero (flood) entries of <paramref name="dev"/>: where broadcast and unknown unicast go. Learned entries
    /// (a container's gratuitous ARP is enough to make one) are left out.
    /// </summary>
    public static string[] FloodEntries(TestNetns ns, string dev) =>
        RemoteFdb(ns, dev).Where(e => e.StartsWith("00:00:00:00:00:00 ", StringComparison.Ordinal)).ToArray();

    /// <summary><c>ip neigh show dev</c> as "dst lladdr STATE" lines.</summary>
    public static string[] Neighbours(TestNetns ns, string dev) =>
        JsonNode.Parse(ns.Ip("-j", "neigh", "show", "dev", dev).EnsureSuccess("ip neigh").Stdout)!.AsArray()
            .Select(n => $"{n!["dst"]} {n["lladdr"]} {string.Join(",", n["state"]?.AsArray().Select(s => (string?)s) ?? [])}")
            .Order().ToArray();

    /// <summary><c>ip route show dev</c> as "dst via gw flags" lines (IPv4).</summary>
    public static string[] RoutesVia(TestNetns ns, string dev) =>
        JsonNode.Parse(ns.Ip("-j", "route", "show", "dev", dev).EnsureSuccess("ip route").Stdout)!.AsArray()
            .Select(r => $"{r!["dst"]} via {r["gateway"]} {string.Join(",", r["flags"]?.AsArray().Select(f => (string?)f) ?? [])}".TrimEnd())
            .Order().ToArray();

    /// <summary><c>ip -j -d link show</c> of one link, or null.</summary>
    public static JsonNode? Link(TestNetns ns, string name)
    {
        var o = ns.Ip("-j", "-d", "link", "show", name);
        return o.ExitCode == 0 ? JsonNode.Parse(o.Stdout)![0] : null;
    }

    /// <summary>Names of the links in <paramref name="ns"/> other than lo.</summary>
    public static string[] Links(TestNetns ns) =>
        JsonNode.Parse(ns.Ip("-j", "link", "show").EnsureSuccess("ip link").Stdout)!.AsArray()
            .Select(l => (string)l!["ifname"]!).Where(n => n != "lo").Order().ToArray();

    /// <summary>Names of the links of one kind ("bridge", "vxlan", "veth") in <paramref name="ns"/>.</summary>
    public static string[] LinksOfKind(TestNetns ns, string kind) =>
        JsonNode.Parse(ns.Ip("-j", "-d", "link", "show").EnsureSuccess("ip -d link").Stdout)!.AsArray()
            .Where(l => (string?)l!["linkinfo"]?["info_kind"] == kind)
            .Select(l => (string)l!["ifname"]!).Order().ToArray();

    /// <summary>The VTEP MAC the plugin derives for an IPv4 underlay address in l3 mode: 0a:58 and the four bytes.</summary>
    public static string VtepMac(string ipv4) =>
        "0a:58:" + string.Join(":", ipv4.Split('.').Select(b => int.Parse(b, System.Globalization.CultureInfo.InvariantCulture).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private static string Comma(string extra) => extra.Length > 0 ? "," + extra : "";

    public void Dispose()
    {
        foreach (var h in _hosts)
        {
            h.Dispose();
        }

        Underlay?.Dispose();
    }
}

/// <summary>One "machine" of a <see cref="VxlanLab"/>: its namespace, underlay address, host-local store and containers.</summary>
internal sealed class VxlanHost : IDisposable
{
    private readonly List<TestNetns> _containers = [];

    public VxlanHost(VxlanLab lab, int index)
    {
        Index = index;
        Ns = new TestNetns("vxh");
        try
        {
            string port = $"h{index}";
            lab.Underlay.Ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", Ns.Name).EnsureSuccess("underlay veth");
            lab.Underlay.Ip("link", "set", port, "master", VxlanLab.UnderlayBridge, "up").EnsureSuccess("underlay port");
            Ns.Ip("addr", "add", Ip + "/24", "dev", "eth0").EnsureSuccess("host addr");
            Ns.Ip("addr", "add", Ip6 + "/64", "dev", "eth0", "nodad").EnsureSuccess("host addr6");
            Ns.Ip("link", "set", "eth0", "up").EnsureSuccess("host eth0 up");
            Ns.Ip("route", "add", "default", "via", VxlanLab.UnderlayGateway, "dev", "eth0").EnsureSuccess("host default route");
            Ns.Ip("-6", "route", "add", "default", "via", VxlanLab.UnderlayGateway6, "dev", "eth0").EnsureSuccess("host default route6");
            DataDir = Directory.CreateTempSubdirectory($"cnit-vxlan-h{index}-").FullName;
        }
        catch
        {
            Ns.Dispose();
            throw;
        }
    }

    /// <summary>1-based, the last byte of the underlay address.</summary>
    public int Index { get; }

    public TestNetns Ns { get; }

    public string Ip => $"10.99.0.{Index}";

    public string Ip6 => $"fd99::{Index}";

    /// <summary>This host's own container subnet in the lab's l3 configs.</summary>
    public string L3Subnet => $"10.70.{Index}.0/24";

    /// <summary>host-local's store (dataDir; indexDir beneath it, hidden).</summary>
    public string DataDir { get; } = "";

    /// <summary>A vxlan config run on this host: the plugin's members and host-local's, the store this host's.</summary>
    public string Conf(string netName, string members, string ipamMembers)
    {
        string ipam = $$"""{"type":"host-local",{{ipamMembers}},"dataDir":"{{DataDir}}","indexDir":"{{DataDir}}/.index"}""";
        return $$"""{"cniVersion":"1.0.0","name":"{{netName}}","type":"vxlan",{{members}},"ipam":""" + ipam + "}";
    }

    public TestNetns NewContainerNs()
    {
        var ns = new TestNetns($"h{Index}c");
        _containers.Add(ns);
        return ns;
    }

    /// <summary>Runs the plugin in this host's namespace.</summary>
    public CniOutcome Run(CniCall call, string conf) => Plugin.Exec(VxlanLab.Binary, call, conf, Ns);

    /// <summary>A new container namespace joined with ADD, which must succeed.</summary>
    public VxlanContainer Join(string conf, string? id = null)
    {
        var ns = NewContainerNs();
        id ??= ns.Name;
        var add = Run(CniCall.Add(id, ns.Path), conf);
        Assert.True(add.Success, $"ADD {id} on host {Index}: {add}");
        return new VxlanContainer(this, ns, id, conf, add);
    }

    /// <summary>The addresses host-local holds for <paramref name="netName"/> on this host (its store's files).</summary>
    public string[] ReservedIps(string netName)
    {
        string dir = Path.Combine(DataDir, netName);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>()
                .Where(f => f != "lock" && !f.StartsWith("last_reserved_ip", StringComparison.Ordinal) && !f.StartsWith('.'))
                .Order().ToArray()
            : [];
    }

    public override string ToString() => $"host{Index}";

    public void Dispose()
    {
        foreach (var ns in _containers)
        {
            ns.Dispose();
        }

        Ns.Dispose();
        if (DataDir.Length > 0 && Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}

/// <summary>A container joined to a vxlan network: where it lives, how it was added, and its address.</summary>
internal sealed record VxlanContainer(VxlanHost Host, TestNetns Ns, string Id, string Conf, CniOutcome Added)
{
    /// <summary>The first address of the ADD result, without its prefix length.</summary>
    public string Ip => ((string)Added.Json!["ips"]![0]!["address"]!).Split('/')[0];

    public CniCall Call => CniCall.Add(Id, Ns.Path);

    public override string ToString() => $"{Host}/{Id}({Ip})";
}
