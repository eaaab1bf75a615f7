using System.Text;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>
/// A throwaway data directory under /tmp, with its own index directory beside it (never the real /run/cni), and
/// the calls the host-local tests make against it. IPAM needs no network namespace; CNI_NETNS is a path that does
/// not exist, as on a DEL after the sandbox is gone.
/// </summary>
public sealed class HostLocalStore : IDisposable
{
    public const string Network = "hlnet";
    public const string NoNetns = "/run/netns/cnit-hostlocal-none";

    public static readonly string Ours = Paths.Ours("host-local");
    public static readonly string Ref = Paths.Reference("host-local");

    public HostLocalStore()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "cnit-hl-" + Guid.NewGuid().ToString("N")[..12]);
        IndexDir = DataDir + "-index";
        Directory.CreateDirectory(DataDir);
    }

    public string DataDir { get; }

    /// <summary>Our plugin's index directory for this store (the reference ignores the key).</summary>
    public string IndexDir { get; }

    public string NetDir => Path.Combine(DataDir, Network);

    /// <summary>A config with <paramref name="ipam"/> (JSON members, without braces) plus dataDir.</summary>
    public string Conf(string version, string ipam, string extra = "") =>
        "{\"cniVersion\":\"" + version + "\",\"name\":\"" + Network + "\",\"type\":\"bridge\"" + extra +
        ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + DataDir + "\",\"indexDir\":\"" + IndexDir + "\"," + ipam + "}}";

    /// <summary>The environment of a call to our binary, for tests that exec it through another program.</summary>
    public static Dictionary<string, string> Env(string command, string containerId, string args = "") => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = containerId,
        ["CNI_NETNS"] = NoNetns,
        ["CNI_IFNAME"] = "eth0",
        ["CNI_PATH"] = Path.GetDirectoryName(Ours)!,
        ["CNI_ARGS"] = args,
    };

    public static CniOutcome Run(string binary, string command, string containerId, string conf, string ifName = "eth0", string? args = null) =>
        Plugin.Exec(binary, new CniCall(command) { ContainerId = containerId, Netns = NoNetns, IfName = ifName, Args = args }, conf);

    /// <summary>Every file of the network directory with its content, the way both implementations must leave it.</summary>
    public SortedDictionary<string, string> Files()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(NetDir))
        {
            foreach (string f in Directory.EnumerateFiles(NetDir))
            {
                files[Path.GetFileName(f)] = File.ReadAllText(f);
            }
        }

        return files;
    }

    public static string Describe(SortedDictionary<string, string> files)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in files)
        {
            sb.Append(k).Append(" = ").Append(v.Replace("\r", "\\r").Replace("\n", "\\n")).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The address files only (no lock, cursor or scratch files).</summary>
    public SortedDictionary<string, string> Reservations() =>
        new(Files().Where(kv => kv.Key != "lock" && !kv.Key.StartsWith("last_reserved_ip.", StringComparison.Ordinal) && !kv.Key.StartsWith('.'))
            .ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    /// <summary>Every file under the dataDir (any depth) with its content, keyed by its path relative to the dataDir.</summary>
    public SortedDictionary<string, string> Tree()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string f in Directory.EnumerateFileSystemEntries(DataDir, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(f);
            files[Path.GetRelativePath(DataDir, f)] = info.LinkTarget is { } target ? "-> " + target
                : Directory.Exists(f) ? "<dir>" : File.ReadAllText(f);
        }

        return files;
    }

    public void Dispose()
    {
        foreach (string dir in new[] { DataDir, IndexDir })
        {
            try
            {
                if (File.Exists(dir))
                {
                    File.Delete(dir);
                }
                else
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
