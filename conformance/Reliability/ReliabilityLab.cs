using System.Diagnostics;
using System.Security.Cryptography;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Reliability;

/// <summary>
/// A throwaway world for one reliability test: a "host" namespace where every plugin run happens (the bridge, the
/// host veths and the firewall rules live there, and so do any children a killed plugin leaves), container
/// namespaces, a host-local dataDir and a separate indexDir under /tmp, and a bridge name of its own (the bridge
/// plugin keeps a lock file per bridge name in /run/cni-plugins, removed again on Dispose).
/// </summary>
internal sealed class ReliabilityLab : IDisposable
{
    public const string NetName = "relnet";

    private readonly List<TestNetns> _containers = [];

    public ReliabilityLab(string subnet = "10.66.0.0/24")
    {
        Subnet = subnet;
        Host = new TestNetns("relhost");
        DataDir = Directory.CreateTempSubdirectory("cnit-rel-data-").FullName;
        IndexDir = Directory.CreateTempSubdirectory("cnit-rel-index-").FullName;
        BridgeName = "cnitrl" + Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant();
    }

    public TestNetns Host { get; }

    public string DataDir { get; }

    public string IndexDir { get; }

    public string BridgeName { get; }

    public string Subnet { get; }

    public string NetDir => Path.Combine(DataDir, NetName);

    public static string Bridge => Paths.Ours("bridge");

    public static string HostLocal => Paths.Ours("host-local");

    /// <summary>A namespace path that does not exist: host-local needs none, DEL must cope with a vanished one.</summary>
    public string NoNetns => $"/run/netns/{TestNetns.RunPrefix}-none";

    public TestNetns NewContainer()
    {
        var ns = new TestNetns("relctr");
        _containers.Add(ns);
        return ns;
    }

    /// <summary>Removes a container namespace before the end of the test (keeps the number of live ones small).</summary>
    public void Drop(TestNetns ns)
    {
        ns.Dispose();
        _containers.Remove(ns);
    }

    private string Ipam(string extra = "") =>
        "\"ipam\":" + $$"""{"type":"host-local","ranges":[[{"subnet":"{{Subnet}}"}]],"dataDir":"{{DataDir}}","indexDir":"{{IndexDir}}"{{extra}}}""";

    /// <summary>
    /// The bridge config under test: gateway, masquerade with the given backend, isolation and macspoofchk all on,
    /// so that every kind of state the plugin makes is exercised.
    /// </summary>
    public string BridgeConf(string backend, string version = "1.0.0") =>
        $$"""{"cniVersion":"{{version}}","name":"{{NetName}}","type":"bridge","bridge":"{{BridgeName}}","isGateway":true,"ipMasq":true,"ipMasqBackend":"{{backend}}","isolation":true,"macspoofchk":true,{{Ipam()}}}""";

    /// <summary>A config for host-local alone (the top-level type is what a runtime's bridge would carry).</summary>
    public string HostLocalConf(string version = "1.0.0") =>
        $$"""{"cniVersion":"{{version}}","name":"{{NetName}}","type":"bridge",{{Ipam()}}}""";

    public static string WithPrev(string conf, string result) => conf[..^1] + ",\"prevResult\":" + result + "}";

    /// <summary>Runs a plugin in the host namespace and waits for it.</summary>
    public CniOutcome Run(string binary, CniCall call, string conf) => Plugin.Exec(binary, call, conf, Host);

    /// <summary>
    /// Starts a plugin in the host namespace and SIGKILLs it <paramref name="after"/> its start (if it is still
    /// running). With <paramref name="wholeTree"/> its children (firewall tools, the IPAM plugin) are killed too, as
    /// when a runtime's cgroup is killed; otherwise they are orphaned and run to their end, as when only the plugin
    /// process is killed. Either way this returns only when nothing is left running in the host namespace.
    /// </summary>
    /// <returns>True when the kill landed, false when the plugin had already finished.</returns>
    public bool RunKilled(string binary, CniCall call, string conf, TimeSpan after, bool wholeTree)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "netns", "exec", Host.Name, binary })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CNI_COMMAND"] = call.Command;
        psi.Environment["CNI_PATH"] = Path.GetDirectoryName(binary)!;
        psi.Environment["CNI_CONTAINERID"] = call.ContainerId ?? "";
        psi.Environment["CNI_NETNS"] = call.Netns ?? "";
        psi.Environment["CNI_IFNAME"] = call.IfName ?? "";
        psi.Environment["CNI_ARGS"] = call.Args ?? "";

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(conf);
        p.StandardInput.Close();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < after && !p.HasExited)
        {
            Thread.SpinWait(50);
        }

        try
        {
            p.Kill(); // SIGKILL of the plugin alone (after `ip netns exec` has exec'd, the same pid)
        }
        catch (InvalidOperationException)
        {
            // already finished
        }

        p.WaitForExit();
        _ = stdout.Result;
        _ = stderr.Result;
        bool killed = p.ExitCode == 128 + 9;
        SettleHostNamespace(wholeTree);
        return killed;
    }

    /// <summary>Kills (or waits for) whatever still runs in the host namespace: the orphans of a killed plugin.</summary>
    public void SettleHostNamespace(bool kill)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            int[] pids = Leaks.HostProcesses(Host);
            if (pids.Length == 0)
            {
                return;
            }

            if (sw.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"processes {string.Join(',', pids)} still run in {Host.Name}");
            }

            if (kill)
            {
                foreach (int pid in pids)
                {
                    try
                    {
                        using var orphan = Process.GetProcessById(pid);
                        orphan.Kill();
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        // gone meanwhile
                    }
                }
            }

            Thread.Sleep(5);
        }
    }

    /// <summary>
    /// DEL as a runtime sends it after a failure: retried (up to three times) until it succeeds. Returns the
    /// number of retries it needed; throws with every outcome when it never succeeds.
    /// </summary>
    public int RuntimeDel(string binary, CniCall call, string conf)
    {
        var failures = new List<CniOutcome>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var del = Run(binary, call.As("DEL"), conf);
            if (del.Success)
            {
                return attempt;
            }

            failures.Add(del);
        }

        throw new InvalidOperationException("DEL never succeeded: " + string.Join(" | ", failures));
    }

    public void Dispose()
    {
        foreach (var ns in _containers)
        {
            ns.Dispose();
        }

        Host.Dispose();
        Directory.Delete(DataDir, recursive: true);
        Directory.Delete(IndexDir, recursive: true);
        File.Delete($"/run/cni-plugins/bridge-{BridgeName}.lock");
    }
}
