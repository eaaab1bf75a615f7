using System.Diagnostics;
using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Overlay;

/// <summary>
/// A throwaway cluster for overlay-agent: an "etcd" namespace holding the underlay bridge (192.0.2.254/24) and a
/// real single-member etcd, and "host" namespaces on that bridge (192.0.2.N), each running an agent started inside
/// it. Containers are added with the vxlan plugin in subnetFile mode. Every process is stopped by PID and every
/// namespace removed on Dispose, also when a test fails. Nothing is routed out of these namespaces.
/// </summary>
internal sealed class OverlayLab : IDisposable
{
    public const string EtcdIp = "192.0.2.254";
    public const string Network = "pods";
    public const string ClusterCidr = "10.244.0.0/16";
    public const int Vni = 400;

    private readonly List<TestNetns> _namespaces = [];
    private readonly Dictionary<string, Process> _agents = [];
    private readonly string? _tlsDir;
    private Process? _etcd;

    /// <param name="tlsDir">
    /// A directory with ca.pem, server.pem/server-key.pem and client.pem/client-key.pem: etcd then serves https and
    /// requires client certificates, and the agents and etcdctl use them.
    /// </param>
    public OverlayLab(string? tlsDir = null)
    {
        Dir = Directory.CreateTempSubdirectory("cnit-overlay-").FullName;
        _tlsDir = tlsDir;
        if (tlsDir is not null)
        {
            string F(string name) => Path.Combine(tlsDir, name);
            Scheme = "https";
            EtcdFlags.AddRange(["--cert-file", F("server.pem"), "--key-file", F("server-key.pem"), "--trusted-ca-file", F("ca.pem"), "--client-cert-auth"]);
            AgentFlags.AddRange(["--etcd-cafile", F("ca.pem"), "--etcd-certfile", F("client.pem"), "--etcd-keyfile", F("client-key.pem")]);
        }

        Etcd = Own(new TestNetns("etcd"));
        try
        {
            Etcd.Ip("link", "add", "ul", "type", "bridge").EnsureSuccess("underlay bridge");
            Etcd.Ip("link", "set", "ul", "up").EnsureSuccess("bridge up");
            Etcd.Ip("addr", "add", EtcdIp + "/24", "dev", "ul").EnsureSuccess("etcd address");
            StartEtcd();
        }
        catch
        {
            Dispose(); // a constructor that throws is never disposed by its caller's using
            throw;
        }
    }

    private static readonly Lazy<bool> s_vxlan = new(() =>
    {
        using var ns = new TestNetns("probe");
        return ns.Ip("link", "add", "vxprobe", "type", "vxlan", "id", "1", "dstport", "4789").ExitCode == 0;
    });

    /// <summary>Whether this kernel can make a VXLAN device (probed once in a namespace of our own).</summary>
    public static bool HasVxlan => s_vxlan.Value;

    public static string AgentBinary => Paths.Ours("overlay-agent");

    public static bool HasEtcd => File.Exists("/usr/bin/etcd") && File.Exists("/usr/bin/etcdctl");

    public string Dir { get; }

    public TestNetns Etcd { get; }

    public string Scheme { get; set; } = "http";

    /// <summary>Extra agent flags (TLS files).</summary>
    public List<string> AgentFlags { get; } = [];

    /// <summary>Extra etcd flags (TLS files), used at the next <see cref="StartEtcd"/>.</summary>
    public List<string> EtcdFlags { get; } = [];

    public Dictionary<string, TestNetns> Hosts { get; } = [];

    public string Endpoint => $"{Scheme}://{EtcdIp}:2379";

    public void StartEtcd()
    {
        string url = Endpoint;
        _etcd = Start(Etcd, "etcd", Path.Combine(Dir, "etcd.log"),
            ["--name", "n", "--data-dir", Path.Combine(Dir, "etcd-data"), "--listen-client-urls", url, "--advertise-client-urls", url,
             "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
             "--initial-cluster", "n=http://127.0.0.1:2380", .. EtcdFlags]);
        if (!Poll(() => Etcdctl("endpoint", "health").ExitCode == 0, TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException($"etcd did not come up: {File.ReadAllText(Path.Combine(Dir, "etcd.log"))}");
        }
    }

    public void StopEtcd()
    {
        Stop(_etcd, kill: false);
        _etcd = null;
    }

    public Shell.Output Etcdctl(params string[] args) =>
        Etcd.Exec(["etcdctl", "--endpoints", Endpoint, "--dial-timeout", "2s", .. EtcdctlTls(), .. args]);

    /// <summary>A host namespace with eth0 on the underlay bridge at 192.0.2.<paramref name="n"/>.</summary>
    public TestNetns AddHost(int n)
    {
        var host = Own(new TestNetns("h"));
        string port = $"p{n}"; // in this lab's own etcd namespace
        host.Ip("link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", Etcd.Name).EnsureSuccess("underlay veth");
        Etcd.Ip("link", "set", port, "master", "ul", "up").EnsureSuccess("bridge port");
        host.Ip("link", "set", "eth0", "up").EnsureSuccess("eth0 up");
        host.Ip("addr", "add", $"192.0.2.{n}/24", "dev", "eth0").EnsureSuccess("host address");
        Hosts[Node(n)] = host;
        return host;
    }

    public static string Node(int n) => $"node{n}";

    public string StateDir(int n) => Path.Combine(Dir, "state-" + Node(n));

    public string StateFile(int n) => Path.Combine(StateDir(n), Network + ".json");

    public string AgentLog(int n) => Path.Combine(Dir, $"agent-{Node(n)}.log");

    /// <summary>Starts the agent of host <paramref name="n"/> inside its namespace.</summary>
    public void StartAgent(int n, int leaseTtl = 60)
    {
        _agents[Node(n)] = Start(Hosts[Node(n)], AgentBinary, AgentLog(n),
            ["--etcd-endpoints", Endpoint, "--network", Network, "--cluster-cidr", ClusterCidr, "--node", Node(n), "--underlay-interface", "eth0",
             "--vni", Vni.ToString(), "--lease-ttl", leaseTtl.ToString(), "--state-dir", StateDir(n), "--log-level", "debug", .. AgentFlags]);
    }

    /// <summary>Waits for <paramref name="check"/>; on a timeout fails with <paramref name="what"/> and <see cref="Diagnostics"/>.</summary>
    public void Await(Func<bool> check, TimeSpan timeout, string what)
    {
        if (!Poll(check, timeout))
        {
            Xunit.Assert.Fail($"{what} within {timeout.TotalSeconds} s{Diagnostics()}");
        }
    }

    /// <summary>
    /// What a failed wait needs to be understood from CI's output alone: the subnet records in etcd and the last
    /// lines of every agent's log.
    /// </summary>
    public string Diagnostics()
    {
        var text = new System.Text.StringBuilder("\netcd subnets: ");
        text.Append(Etcdctl("get", "--prefix", "--keys-only", $"/cni-overlay/{Network}/subnets/").Stdout.Trim().ReplaceLineEndings(" "));
        foreach (string node in _agents.Keys.Order())
        {
            string log = Path.Combine(Dir, $"agent-{node}.log");
            string[] lines = File.Exists(log) ? File.ReadAllLines(log) : [];
            text.Append($"\n--- agent {node} ({(_agents[node].HasExited ? "exited" : "running")}), last lines of its log:\n");
            text.AppendJoin('\n', lines.TakeLast(12));
        }

        return text.ToString();
    }

    public void KillAgent(int n) => Stop(_agents[Node(n)], kill: true);

    public void TermAgent(int n) => Stop(_agents[Node(n)], kill: false);

    public bool AgentExited(int n) => _agents[Node(n)].HasExited;

    /// <summary>The subnet in host <paramref name="n"/>'s state file, once the agent has written it (null until then).</summary>
    public string? Subnet(int n) =>
        File.Exists(StateFile(n)) ? (string?)JsonNode.Parse(File.ReadAllText(StateFile(n)))?["subnet"] : null;

    public string WaitForSubnet(int n) =>
        Poll(() => Subnet(n) is not null, TimeSpan.FromSeconds(20)) ? Subnet(n)! : throw new InvalidOperationException($"agent {n} wrote no state file: {File.ReadAllText(AgentLog(n))}");

    public string Conf(int n) =>
        $$$"""{"cniVersion":"1.0.0","name":"{{{Network}}}","type":"vxlan","mode":"l3","underlayInterface":"eth0","subnetFile":"{{{StateFile(n)}}}","ipam":{"type":"host-local","dataDir":"{{{Dir}}}/ipam-{{{Node(n)}}}","indexDir":"{{{Dir}}}/index-{{{Node(n)}}}"}}""";

    /// <summary>A container on host <paramref name="n"/>, added with the plugin; returns it and its address.</summary>
    public (TestNetns Ns, string Ip) AddContainer(int n)
    {
        var ctr = Own(new TestNetns("c"));
        var outcome = Plugin.Exec(Paths.Ours("vxlan"), CniCall.Add("c-" + ctr.Name, ctr.Path), Conf(n), Hosts[Node(n)]);
        if (!outcome.Success)
        {
            throw new InvalidOperationException($"ADD on {Node(n)}: {outcome}");
        }

        string ip = ((string)outcome.Json!["ips"]![0]!["address"]!).Split('/')[0];
        return (ctr, ip);
    }

    /// <summary>True when <paramref name="check"/> holds before <paramref name="timeout"/>, checked every 100 ms.</summary>
    public static bool Poll(Func<bool> check, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        do
        {
            if (check())
            {
                return true;
            }

            Thread.Sleep(100);
        }
        while (sw.Elapsed < timeout);
        return check();
    }

    public static bool PingOnce(TestNetns from, string ip) => from.Exec("ping", "-c", "1", "-W", "1", ip).ExitCode == 0;

    private IEnumerable<string> EtcdctlTls() =>
        _tlsDir is { } d ? ["--cacert", Path.Combine(d, "ca.pem"), "--cert", Path.Combine(d, "client.pem"), "--key", Path.Combine(d, "client-key.pem")] : [];

    private TestNetns Own(TestNetns ns)
    {
        _namespaces.Add(ns);
        return ns;
    }

    private static Process Start(TestNetns ns, string file, string log, IEnumerable<string> args)
    {
        // `ip netns exec` enters the namespace and execs the program: the PID is the program's own.
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in (string[])["netns", "exec", ns.Name, file, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        return p;
    }

    private static void Stop(Process? p, bool kill)
    {
        if (p is null || p.HasExited)
        {
            return;
        }

        Shell.Run("kill", [kill ? "-KILL" : "-TERM", p.Id.ToString()]);
        if (!p.WaitForExit(10_000))
        {
            Shell.Run("kill", ["-KILL", p.Id.ToString()]);
            p.WaitForExit(5_000);
        }
    }

    public void Dispose()
    {
        foreach (var p in _agents.Values)
        {
            Stop(p, kill: true);
        }

        Stop(_etcd, kill: true);
        foreach (var ns in _namespaces)
        {
            ns.Dispose();
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
