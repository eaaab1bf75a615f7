using System.Text.Json.Nodes;
using CniPlugins.Conformance.Infrastructure;
using CniPlugins.Conformance.Reliability;

namespace CniPlugins.Conformance.Clients;

/// <summary>Which runtime library drives the plugins.</summary>
public enum Client
{
    /// <summary>libcni 1.1.2: CRI-O (ocicni), podman's CNI backend, cnitool.</summary>
    Libcni,

    /// <summary>go-cni 1.1.7 over libcni: containerd's CRI plugin.</summary>
    Gocni,
}

/// <summary>
/// A throwaway world where cniclient plays the runtime: a "host" namespace in which the client runs (so every
/// plugin it execs, and the bridge, veths and firewall rules they make, stay there), container namespaces, and a
/// temp dir with the conflist directory, the client's result cache, and host-local's dataDir and indexDir. The
/// client's plugin path is our bin/ alone: the reference binaries are not on it.
/// </summary>
internal sealed class ClientLab : IDisposable
{
    /// <summary>
    /// go-cni has no cache option: it caches in libcni's default /var/lib/cni. The client therefore runs in a mount
    /// namespace of its own where a tmpfs hides /var/lib and the lab's cache dir is bound at /var/lib/cni; nothing
    /// reaches the machine's /var/lib. Values come in as positional parameters, never spliced into the script.
    /// </summary>
    private const string PrivateVarLibCni =
        "mount -t tmpfs tmpfs /var/lib && mkdir /var/lib/cni && mount --bind \"$1\" /var/lib/cni && shift && exec ip netns exec \"$@\"";

    private readonly List<TestNetns> _containers = [];
    private readonly List<TestNetns> _others = [];
    private readonly List<string> _everyContainer = [];
    private readonly string _root;

    public ClientLab(Client client)
    {
        Client = client;
        Host = new TestNetns("host");
        _root = Directory.CreateTempSubdirectory("cnit-clients-").FullName;
        foreach (string d in new[] { ConfDir, CacheDir, DataDir })
        {
            Directory.CreateDirectory(d);
        }
    }

    public Client Client { get; }

    public TestNetns Host { get; }

    public string ConfDir => Path.Combine(_root, "net.d");

    /// <summary>libcni's cache dir (go-cni: what it sees as /var/lib/cni).</summary>
    public string CacheDir => Path.Combine(_root, "cache");

    public string DataDir => Path.Combine(_root, "data");

    public string IndexDir => Path.Combine(_root, "index");

    /// <summary>The network of the conflist written last.</summary>
    public string NetName { get; private set; } = "";

    /// <summary>A container namespace; lo stays down unless asked, so the loopback plugin's work shows.</summary>
    public TestNetns NewContainer(bool loopbackUp = false)
    {
        var ns = new TestNetns("ctr", loopbackUp);
        _containers.Add(ns);
        _everyContainer.Add(ns.Name);
        return ns;
    }

    /// <summary>A namespace the network needs around the host (a physical peer, an underlay), gone with the lab.</summary>
    public TestNetns NewNamespace(string role)
    {
        var ns = new TestNetns(role);
        _others.Add(ns);
        return ns;
    }

    /// <summary>Removes a container's namespace, as a runtime does when the sandbox is gone before DEL.</summary>
    public void RemoveContainer(TestNetns ns)
    {
        ns.Dispose();
        _containers.Remove(ns);
    }

    /// <summary>Writes the network's conflist; go-cni takes the first file of the directory, libcni the name.</summary>
    public void WriteConflist(string netName, string json)
    {
        NetName = netName;
        File.WriteAllText(Path.Combine(ConfDir, $"10-{netName}.conflist"), json);
    }

    /// <summary>Runs cniclient for one verb; <paramref name="extra"/> are further flags (-mac, -args, -from-cache...).</summary>
    public Shell.Output Run(string verb, string id, string netns, params string[] extra)
    {
        List<string> args =
        [
            GoClient.Binary, "-client", Client == Client.Libcni ? "libcni" : "gocni", "-verb", verb,
            "-confdir", ConfDir, "-path", Paths.OurBin, "-id", id, "-netns", netns,
        ];
        if (Client == Client.Libcni)
        {
            args.AddRange(["-net", NetName, "-cachedir", CacheDir]);
        }

        args.AddRange(extra);
        return Client == Client.Libcni
            ? Shell.Run("ip", ["netns", "exec", Host.Name, .. args], timeout: TimeSpan.FromMinutes(2))
            : Shell.Run("unshare", ["--mount", "--", "sh", "-c", PrivateVarLibCni, "sh", CacheDir, Host.Name, .. args],
                timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>ADD through the client; the printed result.</summary>
    public JsonNode Add(string id, TestNetns ctr, params string[] extra)
    {
        var o = Run("add", id, ctr.Path, extra);
        if (o.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Client} add {id} failed ({o.ExitCode}): {o.Stderr.Trim()}");
        }

        return JsonNode.Parse(o.Stdout)!;
    }

    /// <summary>
    /// Proof that the IPAM a runtime exec'd is ours and not the reference's: only our host-local keeps an index of
    /// the network in indexDir (the reference ignores the key).
    /// </summary>
    public static void AssertOurHostLocalRan(string indexDir, string netName) =>
        Xunit.Assert.True(
            Directory.Exists(indexDir) && Directory.GetDirectories(indexDir).Any(d => d.EndsWith("-" + netName, StringComparison.Ordinal)),
            $"no index of {netName} in {indexDir}: the host-local that ran is not ours");

    /// <summary>Names of the result files in the client's cache.</summary>
    public string[] CachedResults()
    {
        string dir = Path.Combine(CacheDir, "results");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];
    }

    /// <summary>
    /// Everything left once every container is gone, one line each (empty when clean): host links other than lo and
    /// <paramref name="keptLinks"/>, firewall rules and chains beyond the empty scaffolding, reservations and
    /// foreign names in the store, cached results, processes in the host namespace, container namespaces.
    /// </summary>
    public List<string> Leftovers(params string[] keptLinks)
    {
        var leaks = new List<string>();
        leaks.AddRange(Leaks.HostLinks(Host, keptLinks).Select(l => "link " + l));
        leaks.AddRange(Leaks.FirewallLeaks(Host).Select(f => "firewall " + f));
        var store = Leaks.Store(DataDir);
        leaks.AddRange(store.Reservations.Select(r => $"reservation {r.Key} = {r.Value}"));
        leaks.AddRange(store.Leftovers.Select(l => "store file " + l));
        leaks.AddRange(CachedResults().Select(c => "cached result " + c));
        leaks.AddRange(Leaks.HostProcesses(Host).Select(p => $"process {p}"));
        var namespaces = Shell.Ip("netns", "list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToHashSet();
        leaks.AddRange(_everyContainer.Where(namespaces.Contains).Select(n => "namespace " + n));
        return leaks;
    }

    public void Dispose()
    {
        foreach (var ns in _containers.Concat(_others))
        {
            ns.Dispose();
        }

        Host.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
