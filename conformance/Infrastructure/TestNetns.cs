using System.Security.Cryptography;

namespace CniPlugins.Conformance.Infrastructure;

/// <summary>
/// A named network namespace (/run/netns/&lt;name&gt;) that only this test run uses. Every name starts with the
/// run's random prefix, so a run never touches another's, and whatever a test leaves is removed on Dispose and
/// again when the process exits. The machine's root namespace is never changed.
/// </summary>
public sealed class TestNetns : IDisposable
{
    /// <summary>"cnit" and 6 random hex digits, fixed for this test process.</summary>
    public static readonly string RunPrefix = "cnit" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    private static int s_counter;
    private bool _disposed;

    static TestNetns()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAllOfThisRun();
    }

    /// <param name="role">A short word for what the namespace plays ("host", "ctr"...), part of its name.</param>
    /// <param name="loopbackUp">Bring lo up, as a runtime's sandbox usually has it.</param>
    public TestNetns(string role, bool loopbackUp = true)
    {
        Name = $"{RunPrefix}-{role}{Interlocked.Increment(ref s_counter)}";
        Shell.Ip("netns", "add", Name).EnsureSuccess($"ip netns add {Name}");
        if (loopbackUp)
        {
            Exec("ip", "link", "set", "lo", "up").EnsureSuccess("lo up");
        }
    }

    public string Name { get; }

    public string Path => $"/run/netns/{Name}";

    /// <summary>Runs a program inside the namespace (<c>ip netns exec</c>).</summary>
    public Shell.Output Exec(params string[] command) => Shell.Run("ip", ["netns", "exec", Name, .. command]);

    /// <summary>Runs <c>ip {args}</c> inside the namespace.</summary>
    public Shell.Output Ip(params string[] args) => Shell.Run("ip", ["-n", Name, .. args]);

    /// <summary>Reads a sysctl as the namespace sees it.</summary>
    public string Sysctl(string key) => Exec("cat", "/proc/sys/" + key.Replace('.', '/')).EnsureSuccess($"read {key}").Stdout.Trim();

    /// <summary>
    /// True when a ping from this namespace to <paramref name="address"/> is answered; up to three echoes, so a
    /// neighbour entry or an IPv6 address still in DAD has time to settle.
    /// </summary>
    public bool Ping(string address) =>
        Exec("ping", "-c", "3", "-i", "0.5", "-W", "2", address).ExitCode == 0;

    /// <summary>True when no echo of three is answered.</summary>
    public bool CannotPing(string address) =>
        Exec("ping", "-c", "3", "-i", "0.3", "-W", "1", address).ExitCode != 0;

    /// <summary>
    /// A veth from this namespace (<paramref name="ifname"/>) to <paramref name="peer"/> (<paramref name="peerIfname"/>),
    /// both ends up, with the addresses given as CIDRs (IPv6 ones without DAD, usable at once).
    /// </summary>
    public void Cable(string ifname, TestNetns peer, string peerIfname, string[] addresses, string[] peerAddresses)
    {
        Ip("link", "add", ifname, "type", "veth", "peer", "name", peerIfname, "netns", peer.Name).EnsureSuccess($"veth {ifname}");
        foreach (var (ns, dev, cidrs) in new[] { (this, ifname, addresses), (peer, peerIfname, peerAddresses) })
        {
            foreach (string cidr in cidrs)
            {
                string[] nodad = cidr.Contains(':') ? ["nodad"] : [];
                ns.Ip(["addr", "add", cidr, "dev", dev, .. nodad]).EnsureSuccess($"address {cidr} on {dev}");
            }

            ns.Ip("link", "set", dev, "up").EnsureSuccess($"{dev} up");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Shell.Ip("netns", "del", Name);
        }
    }

    /// <summary>Removes every namespace whose name carries this run's prefix.</summary>
    public static void RemoveAllOfThisRun()
    {
        var list = Shell.Ip("netns", "list");
        foreach (string line in list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (name.StartsWith(RunPrefix + "-", StringComparison.Ordinal))
            {
                Shell.Ip("netns", "del", name);
            }
        }
    }
}
