using System.Net;
using CniPlugins.Fs;
using CniPlugins.HostLocal.Backend;
using CniPlugins.HostLocal.Config;
using CniPlugins.Ip;
using CniPlugins.Types;

namespace CniPlugins.HostLocal.Disk;

/// <summary>
/// The reference's on-disk store, byte for byte: <c>&lt;dataDir&gt;/&lt;network&gt;/&lt;ip&gt;</c> holding
/// <c>"&lt;containerID&gt;\r\n&lt;ifname&gt;"</c> (0644), <c>last_reserved_ip.&lt;rangeIndex&gt;</c> (0644), and the
/// <c>lock</c> file (0750) flock'ed for as long as the store is open — one whole verb. Nothing else of ours is
/// ever left in the directory. Two things differ, neither visible to the reference: a reservation is written as
/// an unnamed file and linked to its address name, so it appears whole or not at all; and lookups by attachment
/// go through <see cref="AttachmentIndex"/>, kept outside the dataDir, instead of reading every file.
/// <para>
/// No symbolic link in the directory is ever followed: a link at an address name is taken (its name is used)
/// but never read or written; a link at <c>last_reserved_ip.N</c> is replaced by a regular file; a link at
/// <c>lock</c> is an error, since another implementation would lock its target and we would not exclude it.
/// </para>
/// </summary>
internal sealed class DiskStore : IStore, IDisposable
{
    public const string LockFileName = "lock";
    public const string LastIpFilePrefix = "last_reserved_ip.";
    public const string LineBreak = "\r\n";

    /// <summary>
    /// Where a reservation is written aside on filesystems without O_TMPFILE (elsewhere nothing is ever named so).
    /// Every writer holds the lock, so one fixed name suffices and a leftover is always from a killed run; not an
    /// address, so neither implementation takes it for a reservation.
    /// </summary>
    public const string ScratchFileName = ".reserve.tmp";

    /// <summary>The directory left in the dataDir by versions that kept their index there; removed on first use.</summary>
    public const string LegacyIndexName = ".host-local-index";

    private const int FileMode0644 = 0b110_100_100;
    private const UnixFileMode DirMode0755 = (UnixFileMode)0b111_101_101;

    private readonly FileLock _lock;
    private readonly StoreDirectory _dir;
    private readonly AttachmentIndex _index;
    private (string Content, NewFile File)? _pending;

    private DiskStore(FileLock fileLock, StoreDirectory dir, AttachmentIndex index)
    {
        _lock = fileLock;
        _dir = dir;
        _index = index;
    }

    /// <summary>The network's directory.</summary>
    public string Dir => _dir.Path;

    /// <summary>True when lookups use the index this run (false: the store is scanned).</summary>
    public bool Indexed => _index.Enabled;

    /// <summary>Creates the network directory if needed, takes its lock (blocking) and opens the index.</summary>
    public static DiskStore Open(string network, string dataDir, string indexDir)
    {
        string path = StorePaths.NetworkDir(dataDir, network);
        Directory.CreateDirectory(path, DirMode0755);
        var fileLock = FileLock.Acquire(Path.Join(path, LockFileName), 0b111_101_000); // 0750, as go-filemutex
        StoreDirectory? dir = null;
        try
        {
            RemoveLegacyIndex(dataDir);
            dir = StoreDirectory.Open(path);
            var index = AttachmentIndex.Open(StorePaths.IndexDir(indexDir, dataDir, network), dir, IsAddressName);
            return new DiskStore(fileLock, dir, index);
        }
        catch
        {
            dir?.Dispose();
            fileLock.Dispose();
            throw;
        }
    }

    public static string Content(string id, string ifName) => id.Trim() + LineBreak + ifName;

    public bool Reserve(string id, string ifName, IPAddress ip, int rangeId)
    {
        string name = GoIp.Format(ip);
        string content = Content(id, ifName);
        try
        {
            // One unnamed file is offered to each candidate address in turn until a name is free.
            if (_pending is not { } pending || pending.Content != content)
            {
                _pending?.File.Dispose();
                _pending = null;
                pending = (content, _dir.Prepare(content, FileMode0644, ScratchFileName));
                _pending = pending;
            }

            if (!pending.File.TryLinkAs(name))
            {
                return false;
            }

            ulong ino = pending.File.Ino;
            pending.File.Dispose();
            _pending = null;
            _index.Added(name, ino, content);
            _dir.Rewrite(LastIpFilePrefix + rangeId, name, FileMode0644);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("reserve", name, e);
        }
    }

    public IPAddress? LastReservedIp(int rangeId) =>
        GoIp.TryParse(_dir.TryRead(LastIpFilePrefix + rangeId), out var ip) ? ip : null;

    public IReadOnlyList<IPAddress> GetById(string id, string ifName)
    {
        var ips = Held(Content(id, ifName)).Select(h => h.Ip).ToList();
        ips.AddRange(Held(id.Trim()).Select(h => h.Ip));
        return ips;
    }

    public void Release(IPAddress ip)
    {
        string name = GoIp.Format(ip);
        string? content = _dir.TryRead(name, out ulong ino)?.Trim();
        Drop(name, ino, content);
    }

    public IReadOnlyList<IPAddress> ReleaseById(string id, string ifName)
    {
        string key = Content(id, ifName);
        var held = Held(key);
        if (held.Count == 0)
        {
            // Files written by old versions of the reference hold only the container ID.
            key = id.Trim();
            held = Held(key);
        }

        foreach (var (ip, ino) in held)
        {
            Drop(GoIp.Format(ip), ino, key);
        }

        return held.Select(h => h.Ip).ToList();
    }

    public bool IsReservedFor(IPAddress ip, string id, string ifName) =>
        _dir.TryRead(GoIp.Format(ip))?.Trim() is { } content && (content == Content(id, ifName) || content == id.Trim());

    /// <summary>Every reservation (file named by an address) with its trimmed content; for GC.</summary>
    public List<(IPAddress Ip, string Content)> All()
    {
        var all = new List<(IPAddress, string)>();
        foreach (var ip in ReservedAddresses())
        {
            if (_dir.TryRead(GoIp.Format(ip)) is { } text)
            {
                all.Add((ip, text.Trim()));
            }
        }

        return all;
    }

    /// <summary>The addresses reserved, from names alone (no file is read).</summary>
    public List<IPAddress> ReservedAddresses()
    {
        var ips = new List<IPAddress>();
        foreach (var entry in _dir.Entries())
        {
            if (AttachmentIndex.LooksLikeAddress(entry.Name) && ParseName(System.Text.Encoding.UTF8.GetString(entry.Name)) is { } ip)
            {
                ips.Add(ip);
            }
        }

        return ips;
    }

    /// <summary>GC: removes a reservation found by <see cref="All"/>.</summary>
    public void Remove(IPAddress ip) => Release(ip);

    /// <summary>GC: removes a scratch file a killed run left behind (where the filesystem lacks O_TMPFILE).</summary>
    public void RemoveScratch() => _dir.Remove(ScratchFileName);

    /// <summary>Proves the directory takes new files now (STATUS), leaving nothing behind; throws the I/O error if not.</summary>
    public void ProbeWritable() => _dir.ProbeWritable(ScratchFileName);

    public void Dispose()
    {
        try
        {
            _pending?.File.Dispose();
            _index.Commit();
        }
        finally
        {
            _dir.Dispose();
            _lock.Dispose();
        }
    }

    /// <summary>The address a store file name stands for, if it is one in the canonical spelling the reference writes.</summary>
    public static IPAddress? ParseName(string name) =>
        name.Length > 0 && (char.IsAsciiHexDigit(name[0]) || name[0] == ':') && GoIp.TryParse(name, out var ip) && GoIp.Format(ip) == name
            ? ip
            : null;

    private static bool IsAddressName(string name) => ParseName(name) is not null;

    /// <summary>
    /// Removes what an older version kept in the dataDir: its index, and in it the files DELs had dropped, which
    /// still held the IDs of deleted containers. Another network's run may be doing the same: absence is fine.
    /// </summary>
    private static void RemoveLegacyIndex(string dataDir)
    {
        var legacy = new DirectoryInfo(Path.Join(dataDir, LegacyIndexName));
        try
        {
            if (legacy.LinkTarget is not null)
            {
                legacy.Delete();
            }
            else if (legacy.Exists)
            {
                legacy.Delete(recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run; it is nothing the store's correctness depends on.
        }
    }

    private void Drop(string name, ulong ino, string? content)
    {
        try
        {
            if (_dir.Remove(name))
            {
                _index.Removed(name, ino, content);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("release", name, e);
        }
    }

    /// <summary>The addresses (with inode numbers) whose file holds exactly <paramref name="key"/>, confirmed by reading each.</summary>
    private List<(IPAddress Ip, ulong Ino)> Held(string key)
    {
        var held = new List<(IPAddress, ulong)>();
        IEnumerable<string> candidates = _index.Lookup(key) ?? ReservedAddresses().Select(GoIp.Format);
        foreach (string name in candidates)
        {
            if (ParseName(name) is { } ip && _dir.TryRead(name, out ulong ino)?.Trim() == key)
            {
                held.Add((ip, ino));
            }
        }

        return held;
    }

    private CniException Failure(string operation, string name, Exception e)
    {
        string reason = e is SystemCallException s ? s.Reason : e.Message;
        return new CniException(ErrorCode.IoFailure, $"failed to {operation} {name} in {Dir}: {reason}", e.Message, e);
    }
}
