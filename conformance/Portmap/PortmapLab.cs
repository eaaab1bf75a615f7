using System.Diagnostics;
using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Portmap;

/// <summary>
/// A throwaway node for portmap: a "host" namespace where bridge and portmap run, with an uplink veth to a
/// "client" namespace (host 192.168.77.1, client 192.168.77.2, and fd77::1/2), and container namespaces on the
/// bridge (10.77.0.0/24, fd10:77::/64), in hairpin mode as runtimes' default conflists have it (with br_netfilter
/// loaded, hairpin traffic is DNAT'ed on the bridge path and leaves by the port it came in by). Servers are socat processes started inside the container namespaces and
/// stopped by PID. Each side of a comparison gets its own lab: ours runs our bridge and portmap, the reference
/// its own.
/// </summary>
internal sealed class PortmapLab : IDisposable
{
    public const string NetName = "pmnet";
    public const string HostIp = "192.168.77.1";
    public const string HostIp6 = "fd77::1";

    private readonly List<TestNetns> _containers = [];
    private readonly List<Process> _servers = [];

    public PortmapLab(bool ours)
    {
        Ours = ours;
        Host = new TestNetns("host");
        Client = new TestNetns("cli");
        DataDir = Directory.CreateTempSubdirectory("cnit-portmap-").FullName;
        Host.Cable("cnitup0", Client, "cnitup1", [$"{HostIp}/24", $"{HostIp6}/64"], ["192.168.77.2/24", "fd77::2/64"]);
        Host.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1").EnsureSuccess("forwarding");
    }

    public bool Ours { get; }

    public TestNetns Host { get; }

    public TestNetns Client { get; }

    public string DataDir { get; }

    public string Bin(string plugin) => Ours ? Paths.Ours(plugin) : Paths.Reference(plugin);

    public TestNetns NewContainer()
    {
        var ns = new TestNetns("ctr");
        _containers.Add(ns);
        return ns;
    }

    /// <summary>The bridge config the containers are attached with; dual-stack when asked.</summary>
    public string BridgeConf(bool dualStack = false)
    {
        string ranges = dualStack
            ? """[[{"subnet":"10.77.0.0/24"}],[{"subnet":"fd10:77::/64"}]]"""
            : """[[{"subnet":"10.77.0.0/24"}]]""";
        return $$$"""{"cniVersion":"1.0.0","name":"{{{NetName}}}","type":"bridge","bridge":"cnitpm0","isGateway":true,"isDefaultGateway":true,"hairpinMode":true,"ipMasq":false,"ipam":{"type":"host-local","ranges":{{{ranges}}},"dataDir":"{{{DataDir}}}","indexDir":"{{{DataDir}}}/.index"}}""";
    }

    /// <summary>A portmap config with the mappings (a JSON array) and extra members, chained after <paramref name="prevResult"/>.</summary>
    public static string PortmapConf(string mappings, string? prevResult, string extra = "")
    {
        string more = extra.Length > 0 ? "," + extra : "";
        string prev = prevResult is null ? "" : ",\"prevResult\":" + prevResult;
        return $$$"""{"cniVersion":"1.0.0","name":"{{{NetName}}}","type":"portmap","capabilities":{"portMappings":true}{{{more}}},"runtimeConfig":{"portMappings":{{{mappings}}}}{{{prev}}}}""";
    }

    /// <summary>Attaches a container with bridge; returns bridge's result (portmap's prevResult).</summary>
    public string Attach(TestNetns ctr, string id, bool dualStack = false)
    {
        var o = Plugin.Exec(Bin("bridge"), CniCall.Add(id, ctr.Path), BridgeConf(dualStack), Host);
        if (!o.Success)
        {
            throw new InvalidOperationException($"bridge ADD failed: {o}");
        }

        return o.Stdout;
    }

    public CniOutcome Portmap(string command, TestNetns ctr, string id, string conf) =>
        Plugin.Exec(Bin("portmap"), CniCall.Add(id, ctr.Path).As(command), conf, Host);

    /// <summary>The container's IPv4 address from a result.</summary>
    public static string Address(string result, bool v6 = false) =>
        JsonNode.Parse(result)!["ips"]!.AsArray().Select(i => ((string)i!["address"]!).Split('/')[0])
            .First(a => a.Contains(':') == v6);

    /// <summary>A socat server in the container: answers each TCP connection or UDP datagram with <paramref name="reply"/>.</summary>
    public void Serve(TestNetns ctr, string proto, int port, string reply, bool v6 = false)
    {
        string listen = proto == "tcp"
            ? $"TCP{(v6 ? "6" : "4")}-LISTEN:{port},fork,reuseaddr"
            : $"UDP{(v6 ? "6" : "4")}-RECVFROM:{port},fork,reuseaddr";
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", ctr.Name, "socat", listen, $"SYSTEM:echo {reply}" })
        {
            psi.ArgumentList.Add(a);
        }

        _servers.Add(Process.Start(psi)!);
    }

    /// <summary>
    /// What a client in <paramref name="from"/> gets back from proto://address:port after sending "ping" (a UDP
    /// server answers a datagram), or "" when nothing answers. A few attempts, so a server still starting is waited
    /// for; silence counts only once they are spent.
    /// </summary>
    public static string Ask(TestNetns from, string proto, string address, int port, int attempts = 5)
    {
        string target = address.Contains(':') ? $"[{address}]" : address;
        string connect = proto == "tcp" ? $"TCP:{target}:{port},connect-timeout=2" : $"UDP:{target}:{port}";
        for (int i = 0; i < attempts; i++)
        {
            var o = Shell.Run("ip", ["netns", "exec", from.Name, "socat", "-T", "2", "-", connect], "ping\n");
            if (o.Stdout.Trim().Length > 0)
            {
                return o.Stdout.Trim();
            }

            Thread.Sleep(300);
        }

        return "";
    }

    /// <summary>The nat table's chains and rules in the host namespace (headers, counters and comments lines left out).</summary>
    public string[] Nat(bool v6 = false) =>
        Host.Exec(v6 ? "ip6tables-save" : "iptables-save", "-t", "nat").EnsureSuccess("iptables-save").Stdout.Split('\n')
            .Where(l => l.StartsWith("-A ", StringComparison.Ordinal) || l.StartsWith(':'))
            .Select(l => l.StartsWith(':') ? l.Split(' ')[0] : l).ToArray();

    /// <summary>Conntrack entries of the host namespace for UDP to <paramref name="port"/>.</summary>
    public string[] UdpConntrack(int port) =>
        Host.Exec("conntrack", "-L", "-p", "udp", "--orig-port-dst", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("udp", StringComparison.Ordinal)).ToArray();

    public void StopServers()
    {
        foreach (var p in _servers)
        {
            try
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // exited already
            }

            p.Dispose();
        }

        _servers.Clear();
    }

    public void Dispose()
    {
        StopServers();
        foreach (var ns in _containers)
        {
            ns.Dispose();
        }

        Client.Dispose();
        Host.Dispose();
        Directory.Delete(DataDir, recursive: true);
    }
}
