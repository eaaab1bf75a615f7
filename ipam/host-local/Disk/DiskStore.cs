using System.Net;
using System.Text;
using CniPlugins.Fs;
using CniPlugins.HostLocal.Backend;
using CniPlugins.Ip;

namespace CniPlugins.HostLocal.Disk;

/// <summary>
/// The reference's on-disk store, byte for byte: <c>&lt;dataDir&gt;/&lt;network&gt;/&lt;ip&gt;</c> holding
/// <c>"&lt;containerID&gt;\r\n&lt;ifname&gt;"</c> (0644), <c>last_reserved_ip.&lt;rangeIndex&gt;</c>, and the <c>lock</c> file
/// flock'ed for as long as the store is open — one whole verb. Three things differ, none visible to the reference:
/// a reservation is written to a scratch file and hard-linked to its address name, so it appears whole or not at
/// all; lookups by container go through <see cref="ContainerIndex"/> instead of reading every file; and dropped
/// files are kept as <see cref="SpareFiles"/> for the next reservation to reuse.
/// </summary>
internal sealed class DiskStore : IStore, IDisposable
{
    public const string LockFileName = "lock";
    public const string LastIpFilePrefix = "last_reserved_ip.";
    public const string LineBreak = "\r\n";

    /// <summary>
    /// Scratch name for a reservation being written. Every writer holds the lock, so one fixed name suffices and a
    /// leftover is always from a killed run. Not an address, so neither implementation takes it for a reservation.
    /// </summary>
    public const string ScratchFileName = ".reserve.tmp";

    private const UnixFileMode FileMode0644 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode DirMode0755 = FileMode0644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly FileLock _lock;
    private readonly ContainerIndex _index;
    private readonly SpareFiles _spares;

    private DiskStore(string dir, FileLock fileLock, ContainerIndex index, SpareFiles spares)
    {
        Dir = dir;
        _lock = fileLock;
        _index = index;
        _spares = spares;
    }

    /// <summary>The network's directory.</summary>
    public string Dir { get; }

    /// <summary>Creates the network directory if needed and takes its lock (blocking).</summary>
    public static DiskStore Open(string network, string dataDir)
    {
        string dir = Path.Join(dataDir, network);
        Directory.CreateDirectory(dir, DirMode0755);
        var fileLock = FileLock.Acquire(Path.Join(dir, LockFileName), 0b111_101_000); // 0750, as go-filemutex
        try
        {
            string indexDir = Path.Join(dataDir, ContainerIndex.RootName, network);
            var spares = new SpareFiles(indexDir);
            var index = ContainerIndex.Open(indexDir, dir, spares, () => Scan(dir));
            return new DiskStore(dir, fileLock, index, spares);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    public static string Content(string id, string ifName) => id.Trim() + LineBreak + ifName;

    public bool Reserve(string id, string ifName, IPAddress ip, int rangeId)
    {
        string scratch = Path.Join(Dir, ScratchFileName);
        string content = Content(id, ifName);

        _index.MarkChanged();
        WriteScratch(scratch, content);
        if (!FileNames.TryLink(scratch, PathOf(ip)))
        {
            _spares.Drop(scratch);
            return false;
        }

        File.Delete(scratch);
        _index.Add(content, ip);
        SmallFile.Rewrite(Path.Join(Dir, LastIpFilePrefix + rangeId), GoIp.Format(ip));
        return true;
    }

    public IPAddress? LastReservedIp(int rangeId)
    {
        return GoIp.TryParse(SmallFile.TryRead(Path.Join(Dir, LastIpFilePrefix + rangeId)), out var ip) ? ip : null;
    }

    public IReadOnlyList<IPAddress> GetById(string id, string ifName)
    {
        var ips = Held(Content(id, ifName));
        ips.AddRange(Held(id.Trim()));
        return ips;
    }

    public void Release(IPAddress ip)
    {
        _index.MarkChanged();
        string? content = ReadReservation(ip);
        _spares.Drop(PathOf(ip));
        if (content is not null)
        {
            _index.Remove(content, ip);
        }
    }

    public IReadOnlyList<IPAddress> ReleaseById(string id, string ifName)
    {
        string key = Content(id, ifName);
        var ips = Held(key);
        if (ips.Count == 0)
        {
            // Files written by old versions of the reference hold only the container ID.
            key = id.Trim();
            ips = Held(key);
        }

        foreach (var ip in ips)
        {
            _spares.Drop(PathOf(ip));
            _index.Remove(key, ip);
        }

        return ips;
    }

    public bool IsReservedFor(IPAddress ip, string id, string ifName) =>
        ReadReservation(ip) is { } content && (content == Content(id, ifName) || content == id.Trim());

    /// <summary>Every reservation (file named by an address) with its trimmed content; for GC and STATUS.</summary>
    public IEnumerable<(IPAddress Ip, string Content)> All() => Scan(Dir);

    /// <summary>The addresses reserved, from names alone (no file is read).</summary>
    public IEnumerable<IPAddress> ReservedAddresses()
    {
        foreach (string path in Directory.EnumerateFiles(Dir))
        {
            if (ParseName(Path.GetFileName(path)) is { } ip)
            {
                yield return ip;
            }
        }
    }

    /// <summary>GC: removes a reservation found by <see cref="All"/>.</summary>
    public void Remove(IPAddress ip)
    {
        _index.MarkChanged();
        _spares.Drop(PathOf(ip));
    }

    /// <summary>GC: removes a scratch file a killed run left behind.</summary>
    public void RemoveScratch()
    {
        _index.MarkChanged();
        File.Delete(Path.Join(Dir, ScratchFileName));
    }

    /// <summary>Rebuilds the container index from the files (after GC changed many).</summary>
    public void Reindex() => _index.Rebuild(Scan(Dir));

    /// <summary>Proves the directory takes new files now (STATUS); throws the I/O error if not.</summary>
    public void ProbeWritable()
    {
        _index.MarkChanged();
        string scratch = Path.Join(Dir, ScratchFileName);
        File.Delete(scratch);
        WriteNew(scratch, "");
        File.Delete(scratch);
    }

    public void Dispose()
    {
        try
        {
            _index.Commit();
        }
        finally
        {
            _lock.Dispose();
        }
    }

    /// <summary>The address a store file name stands for, if it is one in the canonical spelling the reference writes.</summary>
    public static IPAddress? ParseName(string name) =>
        name.Length > 0 && (char.IsAsciiHexDigit(name[0]) || name[0] == ':') && GoIp.TryParse(name, out var ip) && GoIp.Format(ip) == name
            ? ip
            : null;

    private string PathOf(IPAddress ip) => Path.Join(Dir, GoIp.Format(ip));

    /// <summary>The index's candidates for <paramref name="key"/>, kept only if their file still says so.</summary>
    private List<IPAddress> Held(string key)
    {
        var held = new List<IPAddress>();
        foreach (var ip in _index.Lookup(key))
        {
            if (ReadReservation(ip) == key)
            {
                held.Add(ip);
            }
        }

        return held;
    }

    private string? ReadReservation(IPAddress ip) => SmallFile.TryRead(PathOf(ip))?.Trim();

    private static IEnumerable<(IPAddress Ip, string Content)> Scan(string dir)
    {
        foreach (string path in Directory.EnumerateFiles(dir))
        {
            if (ParseName(Path.GetFileName(path)) is not { } ip)
            {
                continue;
            }

            if (SmallFile.TryRead(path) is not { } text)
            {
                continue;
            }

            yield return (ip, text.Trim());
        }
    }

    /// <summary>
    /// Leaves <paramref name="scratch"/> as the only name of a file holding <paramref name="content"/>, on a kept
    /// inode when there is one. A run killed between link and unlink leaves the scratch name on a live
    /// reservation as a second name: such a file is never written through, only unlinked.
    /// </summary>
    private void WriteScratch(string scratch, string content)
    {
        int links = FileNames.LinkCount(scratch);
        if (links == 0 && _spares.TryTake(scratch))
        {
            links = FileNames.LinkCount(scratch);
        }

        if (links == 1)
        {
            SmallFile.Rewrite(scratch, content);
            return;
        }

        File.Delete(scratch);
        WriteNew(scratch, content);
    }

    private static void WriteNew(string path, string content)
    {
        using var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = FileMode0644,
        });
        f.Write(Encoding.UTF8.GetBytes(content));
    }
}
