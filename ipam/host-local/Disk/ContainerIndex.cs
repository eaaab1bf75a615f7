using System.Globalization;
using System.Net;
using System.Text;
using CniPlugins.Fs;
using CniPlugins.Ip;

namespace CniPlugins.HostLocal.Disk;

/// <summary>
/// A by-attachment index of the store, so DEL and the duplicate check of ADD read a handful of files instead of
/// every reservation (the reference walks and reads the whole directory, which grows with the network).
/// <para>
/// It is only ever a hint. Entries are validated against the address files before use, and the index is trusted
/// for "this attachment has nothing" only while the network directory is unchanged since we last wrote it: after
/// each change we set the directory's mtime to a second in the past and record it; any later create or unlink —
/// by the reference binary, an admin, a tmpfiles cleanup — sets it to "now", which can never equal the recorded
/// value, and the next run rebuilds the index with one full scan. So mixed use with the reference stays correct.
/// </para>
/// Lives beside the networks, in <c>&lt;dataDir&gt;/.host-local-index/&lt;network&gt;/</c> (no network name can start with
/// a dot), so the reference's directory walks never see it. One file per attachment key (a hash of the reservation
/// content) listing its addresses, plus <c>stamp</c>. Guarded by the network's lock.
/// </summary>
internal sealed class ContainerIndex
{
    public const string RootName = ".host-local-index";
    private const string StampFile = "stamp";
    private const string EntryPrefix = "k-";

    private readonly string _dir;
    private readonly string _networkDir;
    private readonly SpareFiles _spares;
    private bool _dirty;

    private ContainerIndex(string dir, string networkDir, SpareFiles spares)
    {
        _dir = dir;
        _networkDir = networkDir;
        _spares = spares;
    }

    /// <summary>Opens the index, rebuilding it from <paramref name="scan"/> if the store changed behind its back.</summary>
    public static ContainerIndex Open(string dir, string networkDir, SpareFiles spares,
        Func<IEnumerable<(IPAddress Ip, string Content)>> scan)
    {
        var index = new ContainerIndex(dir, networkDir, spares);
        if (!index.IsCurrent())
        {
            index.Rebuild(scan());
        }

        return index;
    }

    public List<IPAddress> Lookup(string key) => Parse(SmallFile.TryRead(EntryPath(key)));

    public void Add(string key, IPAddress ip)
    {
        string path = EntryPath(key);
        string? text = SmallFile.TryRead(path);
        var ips = Parse(text);
        if (!ips.Contains(ip))
        {
            ips.Add(ip);
        }

        if (text is null)
        {
            _spares.TryTake(path);
        }

        Write(path, ips);
    }

    public void Remove(string key, IPAddress ip)
    {
        var ips = Lookup(key);
        ips.RemoveAll(x => x.Equals(ip));
        Write(EntryPath(key), ips);
    }

    /// <summary>Replaces the whole index with what a full scan of the store found.</summary>
    public void Rebuild(IEnumerable<(IPAddress Ip, string Content)> reservations)
    {
        _dirty = true;
        Directory.CreateDirectory(_dir);
        File.Delete(Path.Join(_dir, StampFile));
        foreach (string entry in Directory.EnumerateFiles(_dir, EntryPrefix + "*"))
        {
            File.Delete(entry);
        }

        var byKey = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
        foreach (var (ip, content) in reservations)
        {
            if (!byKey.TryGetValue(content, out var list))
            {
                byKey[content] = list = [];
            }

            list.Add(ip);
        }

        // Keys whose hashes collide share a file; lookups validate, so that only costs a read.
        var byFile = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
        foreach (var (key, ips) in byKey)
        {
            string path = EntryPath(key);
            if (!byFile.TryGetValue(path, out var list))
            {
                byFile[path] = list = [];
            }

            list.AddRange(ips);
        }

        foreach (var (path, ips) in byFile)
        {
            File.WriteAllText(path, Lines(ips));
        }
    }

    /// <summary>The network directory was changed; <see cref="Commit"/> must re-stamp it.</summary>
    public void MarkChanged() => _dirty = true;

    /// <summary>Records the store's state as the one this index describes; call last, after every change.</summary>
    public void Commit()
    {
        if (!_dirty)
        {
            return;
        }

        // Truncated to whole seconds so that filesystems with coarse timestamps store exactly this value.
        var now = DateTime.UtcNow;
        var stamp = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond) - TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        Directory.SetLastWriteTimeUtc(_networkDir, stamp);
        long actual = Directory.GetLastWriteTimeUtc(_networkDir).Ticks;
        // Fixed width, rewritten in place: a torn stamp matches no mtime, so a crash here only costs a rebuild.
        SmallFile.Rewrite(Path.Join(_dir, StampFile), actual.ToString("D20", CultureInfo.InvariantCulture));
        _dirty = false;
    }

    private bool IsCurrent()
    {
        return SmallFile.TryRead(Path.Join(_dir, StampFile)) is { } text &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) &&
            ticks == Directory.GetLastWriteTimeUtc(_networkDir).Ticks;
    }

    private void Write(string path, List<IPAddress> ips)
    {
        _dirty = true;
        if (ips.Count == 0)
        {
            _spares.Drop(path);
            return;
        }

        SmallFile.Rewrite(path, Lines(ips));
    }

    private static List<IPAddress> Parse(string? text)
    {
        var ips = new List<IPAddress>();
        foreach (string line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (GoIp.TryParse(line, out var ip))
            {
                ips.Add(ip);
            }
        }

        return ips;
    }

    private string EntryPath(string key) => Path.Join(_dir, EntryPrefix + Hash(key).ToString("x16", CultureInfo.InvariantCulture));

    private static string Lines(List<IPAddress> ips)
    {
        var sb = new StringBuilder();
        foreach (var ip in ips)
        {
            sb.Append(GoIp.Format(ip)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>FNV-1a, 64 bits: stable across runs (string.GetHashCode is not) and needs no crypto library.</summary>
    private static ulong Hash(string key)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            h = (h ^ b) * 1099511628211UL;
        }

        return h;
    }
}
