using System.Globalization;
using System.Text;
using CniPlugins.Fs;

namespace CniPlugins.HostLocal.Disk;

/// <summary>
/// Which address files belong to which attachment, so that DEL and the duplicate check of ADD read a handful of
/// files instead of every reservation (the reference reads them all). Kept outside the dataDir, in a run
/// directory (<c>/run/cni/host-local/&lt;hash of dataDir&gt;-&lt;network&gt;/</c> by default): the store itself holds
/// nothing but the reference's files.
/// <para>
/// The address files stay the only truth; the index never answers without checking them. Every open compares the
/// network directory's stamp (device, inode, mtime, ctime) with the one recorded after the last run that changed
/// it. Equal, and settled when recorded (<see cref="ChangeTime"/>: any later change would have moved the ctime),
/// the entries are as recorded and nothing is listed. Otherwise the directory is listed, names only (getdents, no
/// file opened), and the address-like names and their inode numbers are compared with what the index last
/// recorded (count and an order-independent sum of their hashes). A mismatch — anything another program or a
/// killed run of ours changed — is reconciled from the names journal: names the index does not know, or whose
/// inode changed, are read and added; names that are gone are dropped. If the directory's stamp moved although
/// the names did not (a file replaced under the same name and inode number, which ext4's inode reuse makes
/// possible), every file is read again. Every hit is confirmed by reading its file, so an entry that is out of
/// date costs a read, never a wrong answer.
/// </para>
/// Files: <c>state</c> (the directory as last recorded, and whether its ctime was settled), <c>names</c> (an append-only journal of name → inode and
/// attachment key, compacted now and then), and 256 buckets <c>b-XX</c> mapping attachment keys (hashes of the
/// file content) to addresses.
/// Guarded by the network's lock. Any failure here disables the index for the run (the store is then scanned as
/// the reference does) and leaves it to be reconciled by the next one.
/// </summary>
internal sealed class AttachmentIndex
{
    private const string StateFile = "state";
    private const string JournalFile = "names";
    private const string BucketPrefix = "b-";
    private const string BucketHeader = "hl-bucket-1\n";
    private const int Buckets = 256;
    private const string StateVersion = "hl-index-3";
    private const int DirMode0700 = 0b111_000_000;

    private readonly string _dir;
    private readonly StoreDirectory _store;
    private readonly Func<string, bool> _isAddress;
    private DirSummary _summary;
    private long _journalLines;
    private bool _dirty;
    private bool _disabled;

    private AttachmentIndex(string dir, StoreDirectory store, Func<string, bool> isAddress)
    {
        _dir = dir;
        _store = store;
        _isAddress = isAddress;
    }

    /// <summary>False when the index could not be used this run; callers then scan the store.</summary>
    public bool Enabled => !_disabled;

    /// <summary>
    /// Opens the index of <paramref name="store"/> and brings it up to date with the directory.
    /// <paramref name="isAddress"/> tells reservation names from others among the names that look like addresses.
    /// </summary>
    public static AttachmentIndex Open(string dir, StoreDirectory store, Func<string, bool> isAddress)
    {
        var index = new AttachmentIndex(dir, store, isAddress);
        index.Guard(index.Load);
        return index;
    }

    /// <summary>Addresses the index holds for <paramref name="key"/> (unconfirmed), or null when disabled.</summary>
    public List<string>? Lookup(string key)
    {
        if (_disabled)
        {
            return null;
        }

        ulong hash = KeyHash(key);
        List<string>? names = null;
        // A loop, not Where/Select: LINQ's Select over the tuples is a generic virtual call that NativeAOT
        // resolves at run time, the first time at a cost of about 80,000 instructions (callgrind), 6% of an ADD.
        Guard(() =>
        {
            names = [];
            foreach (var (k, name) in ReadBucket(hash))
            {
                if (k == hash)
                {
                    names.Add(name);
                }
            }
        });
        return _disabled ? null : names;
    }

    /// <summary>Records that <paramref name="name"/> (inode <paramref name="ino"/>) now holds <paramref name="content"/>.</summary>
    public void Added(string name, ulong ino, string content) => Guard(() =>
    {
        ulong key = KeyHash(content);
        UpdateKeyFile(key, add: [name], remove: []);
        AppendJournal($"+{name} {Hex(ino)} {Hex(key)}\n");
        _summary = _summary.With(Encoding.UTF8.GetBytes(name), ino, +1);
    });

    /// <summary>Records that <paramref name="name"/> (inode <paramref name="ino"/>, holding <paramref name="content"/>) is gone.</summary>
    public void Removed(string name, ulong ino, string? content) => Guard(() =>
    {
        if (content is not null)
        {
            UpdateKeyFile(KeyHash(content), add: [], remove: [name]);
        }

        AppendJournal($"-{name}\n");
        _summary = _summary.With(Encoding.UTF8.GetBytes(name), ino, -1);
    });

    /// <summary>Records the directory as it is now, after the run's last change. Call once, at the end.</summary>
    public void Commit()
    {
        if (!_dirty || _disabled)
        {
            return;
        }

        Guard(() =>
        {
            if (_journalLines > (2 * _summary.Count) + 256)
            {
                WriteJournal(LoadJournal());
            }

            // Read after the run's last change (every writer holds the lock), then judged: a ctime still in the
            // clock tick it was taken in proves nothing on a filesystem without multigrain timestamps.
            var stamp = _store.Stamp() with { Mode = 0 };
            WriteState(_summary with { Stamp = stamp }, _store.ChangeTimeSettled(stamp.CtimeNs));
            _dirty = false;
        });
    }

    /// <summary>The key an attachment is filed under: a hash of the trimmed file content.</summary>
    public static ulong KeyHash(string content) => Fnv64.Hash(content);

    /// <summary>
    /// Whether a directory entry can be a reservation: its name starts like an address. Everything else the store
    /// holds (lock, last_reserved_ip.N, a fallback scratch name) starts otherwise.
    /// </summary>
    public static bool LooksLikeAddress(ReadOnlySpan<byte> name) =>
        name.Length > 0 && (char.IsAsciiHexDigit((char)name[0]) || name[0] == (byte)':');

    /// <summary>Count and fingerprint of the address-like names of the directory, from one names-only listing.</summary>
    public static DirSummary Summarize(StoreDirectory store)
    {
        var summary = default(DirSummary);
        foreach (var entry in store.Entries())
        {
            if (LooksLikeAddress(entry.Name))
            {
                summary = summary.With(entry.Name, entry.Ino, +1);
            }
        }

        return summary;
    }

    private void Load()
    {
        var stamp = _store.Stamp() with { Mode = 0 };
        var recorded = ReadState();
        _journalLines = recorded?.JournalLines ?? 0;
        if (recorded is { Settled: true } settled && settled.Summary.Stamp == stamp)
        {
            // The directory's ctime is the one recorded after our last change, and any change since would have
            // moved it: the entries are as recorded, no listing needed.
            _summary = settled.Summary;
            return;
        }

        var listed = Summarize(_store) with { Stamp = stamp };
        _summary = listed;
        if (recorded is { } r && r.Summary == listed)
        {
            // Unchanged, but recorded too soon to prove it by the ctime alone: record it again, now settled.
            _dirty = true;
            return;
        }

        // Same names and inodes but a directory changed since we recorded it: something was replaced in place.
        bool readAll = recorded is null || recorded.Value.Summary.Stamp != stamp;
        Reconcile(readAll, journalKnown: recorded is not null);
    }

    /// <summary>Brings the key files and the journal in line with the directory, reading what may have changed.</summary>
    private void Reconcile(bool readAll, bool journalKnown)
    {
        Directory.CreateDirectory(_dir, (UnixFileMode)DirMode0700);
        var known = journalKnown ? LoadJournal() : [];
        if (!journalKnown)
        {
            // No usable state: whatever key files are left describe nothing we can trust to be complete.
            foreach (string stale in Directory.EnumerateFiles(_dir, BucketPrefix + "*"))
            {
                File.Delete(stale);
            }
        }

        var adds = new Dictionary<ulong, List<string>>();
        var removes = new Dictionary<ulong, List<string>>();
        var now = new Dictionary<string, JournalEntry>(known.Count, StringComparer.Ordinal);
        foreach (var entry in _store.Entries())
        {
            if (!LooksLikeAddress(entry.Name))
            {
                continue;
            }

            string name = Encoding.UTF8.GetString(entry.Name);
            bool wasKnown = known.Remove(name, out var before);
            if (wasKnown && before.Ino == entry.Ino && !readAll)
            {
                now[name] = before;
                continue;
            }

            ulong key = 0;
            if (_isAddress(name) && _store.TryRead(name) is { } content)
            {
                key = KeyHash(content.Trim());
            }

            now[name] = new JournalEntry(entry.Ino, key);
            if (wasKnown && before.Key == key)
            {
                continue;
            }

            if (wasKnown && before.Key != 0)
            {
                Bucket(removes, before.Key).Add(name);
            }

            if (key != 0)
            {
                Bucket(adds, key).Add(name);
            }
        }

        foreach (var (name, gone) in known)
        {
            if (gone.Key != 0)
            {
                Bucket(removes, gone.Key).Add(name);
            }
        }

        foreach (ulong key in adds.Keys.Union(removes.Keys))
        {
            UpdateKeyFile(key, adds.GetValueOrDefault(key) ?? [], removes.GetValueOrDefault(key) ?? []);
        }

        WriteJournal(now);
        _dirty = true;
    }

    private static List<string> Bucket(Dictionary<ulong, List<string>> map, ulong key)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        return list;
    }

    /// <summary>The entries (key hash, address) of the bucket that files <paramref name="key"/>.</summary>
    private List<(ulong Key, string Name)> ReadBucket(ulong key)
    {
        var entries = new List<(ulong, string)>();
        string text = SmallFile.TryRead(BucketPath(key)) ?? "";
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            int space = line.IndexOf(' ');
            if (space > 0 && ulong.TryParse(line[..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong k))
            {
                entries.Add((k, line[(space + 1)..].ToString()));
            }
        }

        return entries;
    }

    /// <remarks>
    /// Lists, not interfaces: <c>Contains</c> through <c>IReadOnlyCollection&lt;string&gt;</c> is Enumerable.Contains,
    /// whose interface call over a reference type makes NativeAOT keep an equality comparer for the arrays of every
    /// reference type in the program: 60 to 70 more types whose static storage each run allocates at start-up.
    /// </remarks>
    private void UpdateKeyFile(ulong key, List<string> add, List<string> remove)
    {
        _dirty = true;
        var entries = ReadBucket(key);
        entries.RemoveAll(e => e.Key == key && remove.Contains(e.Name));
        foreach (string name in add)
        {
            if (!entries.Contains((key, name)))
            {
                entries.Add((key, name));
            }
        }

        // A fixed set of bucket files, rewritten in place and never emptied (the header stays): no file is created
        // or removed once the index exists, and a bucket is never truncated to zero (which would make ext4 flush it
        // on close). One write: a run killed before the truncation leaves a superset, which lookups tolerate
        // (every hit is read), and never loses an entry.
        var sb = new StringBuilder(BucketHeader, BucketHeader.Length + (entries.Count * 36));
        foreach (var (k, name) in entries)
        {
            sb.Append(Hex(k)).Append(' ').Append(name).Append('\n');
        }

        SmallFile.Rewrite(BucketPath(key), sb.ToString());
    }

    private void AppendJournal(string line)
    {
        _dirty = true;
        SmallFile.Append(Path.Join(_dir, JournalFile), line);
        _journalLines++;
    }

    /// <summary>The journal replayed: the latest record of every name. Malformed (torn) lines are skipped.</summary>
    private Dictionary<string, JournalEntry> LoadJournal()
    {
        var map = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        string text = SmallFile.TryRead(Path.Join(_dir, JournalFile)) ?? "";
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            if (line.Length < 2)
            {
                continue;
            }

            if (line[0] == '-')
            {
                map.Remove(line[1..].ToString());
                continue;
            }

            var parts = line[1..].ToString().Split(' ');
            if (line[0] == '+' && parts.Length == 3 &&
                ulong.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong ino) &&
                ulong.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong key))
            {
                map[parts[0]] = new JournalEntry(ino, key);
            }
        }

        return map;
    }

    /// <summary>Replaces the journal with one record per live name (written aside, then renamed over it).</summary>
    private void WriteJournal(Dictionary<string, JournalEntry> entries)
    {
        var sb = new StringBuilder(entries.Count * 40);
        foreach (var (name, e) in entries)
        {
            sb.Append('+').Append(name).Append(' ').Append(Hex(e.Ino)).Append(' ').Append(Hex(e.Key)).Append('\n');
        }

        string path = Path.Join(_dir, JournalFile);
        string aside = path + ".new";
        File.Delete(aside);
        SmallFile.Rewrite(aside, sb.ToString());
        File.Move(aside, path, overwrite: true);
        _journalLines = entries.Count;
    }

    private RecordedState? ReadState()
    {
        string? text = SmallFile.TryRead(Path.Join(_dir, StateFile));
        string[] f = (text ?? "").TrimEnd('\n').Split(' ');
        if (f.Length != 9 || f[0] != StateVersion || f[8] is not ("0" or "1"))
        {
            return null;
        }

        var n = new ulong[7];
        for (int i = 0; i < 7; i++)
        {
            if (!ulong.TryParse(f[i + 1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out n[i]))
            {
                return null;
            }
        }

        var stamp = new FileStamp(n[0], n[1], (long)n[2], (long)n[3], 0);
        return new RecordedState(new DirSummary((long)n[4], n[5], stamp), (long)n[6], f[8] == "1");
    }

    private void WriteState(DirSummary s, bool settled)
    {
        // Fixed width, so an in-place rewrite never leaves a tail; a torn one fails to parse and costs a reconcile.
        var st = s.Stamp;
        string text = string.Join(' ', StateVersion, Hex(st.Dev), Hex(st.Ino), Hex((ulong)st.MtimeNs), Hex((ulong)st.CtimeNs),
            Hex((ulong)s.Count), Hex(s.Fingerprint), Hex((ulong)_journalLines), settled ? "1" : "0") + "\n";
        SmallFile.Rewrite(Path.Join(_dir, StateFile), text);
    }

    /// <summary>Runs an index operation; an I/O failure disables the index for this run and invalidates it.</summary>
    private void Guard(Action action)
    {
        if (_disabled)
        {
            return;
        }

        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _disabled = true;
            try
            {
                File.Delete(Path.Join(_dir, StateFile));
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // A state we cannot delete (e.g. a read-only run directory) will not match the directory either:
                // every change we made moved its change time.
            }
        }
    }

    private string BucketPath(ulong key) => Path.Join(_dir, BucketPrefix + (key % Buckets).ToString("x2", CultureInfo.InvariantCulture));

    private static string Hex(ulong n) => n.ToString("x16", CultureInfo.InvariantCulture);

    private readonly record struct JournalEntry(ulong Ino, ulong Key);

    /// <summary>The state file: the directory as recorded, and whether its ctime was settled when read (<see cref="ChangeTime"/>).</summary>
    private readonly record struct RecordedState(DirSummary Summary, long JournalLines, bool Settled);
}

/// <summary>
/// The address-like names of a network directory in summary: how many, and the wrapping sum of a hash of each
/// name with its inode number (so the order of the listing does not matter), plus the directory's stamp.
/// </summary>
internal readonly record struct DirSummary(long Count, ulong Fingerprint, FileStamp Stamp)
{
    public DirSummary With(ReadOnlySpan<byte> name, ulong ino, int sign)
    {
        ulong h = Mix(Fnv64.Hash(name) ^ Mix(ino));
        return this with { Count = Count + sign, Fingerprint = sign > 0 ? Fingerprint + h : Fingerprint - h };
    }

    // splitmix64's finalizer: spreads every input bit over the whole word, so that sums of hashes do not cancel.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
