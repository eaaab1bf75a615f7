using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CniPlugins.Fs;

/// <summary>
/// An open directory whose files are created, read, rewritten and removed by name (the *at(2) calls on one
/// descriptor) without ever following a symbolic link: a link planted at any name is read as absent, replaced
/// or refused, never written through.
/// </summary>
public sealed class StoreDirectory : IDisposable
{
    private readonly SafeFileHandle _fd;

    private StoreDirectory(string path, SafeFileHandle fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    /// <summary>Opens the existing directory <paramref name="path"/>.</summary>
    public static StoreDirectory Open(string path) =>
        new(path, Interop.Open(path, Interop.O_RDONLY | Interop.O_DIRECTORY));

    /// <summary>
    /// The text of file <paramref name="name"/>, or null when there is none or it is a symbolic link (which is not
    /// followed: it is nothing this directory holds). O_NONBLOCK so that a FIFO planted there cannot hang us.
    /// </summary>
    public string? TryRead(string name) => TryRead(name, withIno: false, out _);

    /// <summary>Like <see cref="TryRead(string)"/>, also giving the file's inode number.</summary>
    public string? TryRead(string name, out ulong ino) => TryRead(name, withIno: true, out ino);

    /// <summary>
    /// Rewrites file <paramref name="name"/> (creating it with <paramref name="mode"/>) so that a run killed at any
    /// point leaves the old content, the new one or an empty file, never new bytes followed by the tail of longer
    /// old ones: content at least as long as the old is written over it in one write; shorter content only after
    /// the file was cut to zero. Only then, because a truncation to zero makes ext4 flush the file on close. A
    /// symbolic link at the name is replaced by a regular file; its target is never opened.
    /// </summary>
    public void Rewrite(string name, string content, int mode)
    {
        const int flags = Interop.O_WRONLY | Interop.O_CREAT | Interop.O_NOFOLLOW | Interop.O_NONBLOCK;
        int errno = Interop.TryOpenAt(_fd, name, flags, mode, out var fd);
        if (errno == Interop.Errno.ELOOP)
        {
            Remove(name);
            errno = Interop.TryOpenAt(_fd, name, flags | Interop.O_EXCL, mode, out fd);
        }

        if (fd is null)
        {
            throw new SystemCallException("open", errno, Join(name));
        }

        using (fd)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(content);
            if (RandomAccess.GetLength(fd) > bytes.Length)
            {
                RandomAccess.SetLength(fd, 0);
            }

            RandomAccess.Write(fd, bytes, 0);
        }
    }

    /// <summary>
    /// A file holding <paramref name="content"/> that has no name yet; <see cref="NewFile.TryLinkAs"/> gives it one
    /// atomically. <paramref name="scratchName"/> is used only where the filesystem has no O_TMPFILE.
    /// </summary>
    public NewFile Prepare(string content, int mode, string scratchName, bool unnamed = true) =>
        NewFile.Create(this, Encoding.UTF8.GetBytes(content), mode, scratchName, unnamed);

    /// <summary>Proves that files can be created here now, leaving nothing behind; throws the I/O error if not.</summary>
    public void ProbeWritable(string scratchName)
    {
        using var probe = Prepare("", 0b110_100_100, scratchName);
    }

    /// <summary>Removes entry <paramref name="name"/> (a link itself, not its target); false if there was none.</summary>
    public bool Remove(string name)
    {
        int errno = Interop.UnlinkAt(_fd, name);
        return errno == 0 || (errno == Interop.Errno.ENOENT ? false : throw new SystemCallException("unlink", errno, Join(name)));
    }

    /// <summary>Which directory this is and when its entries last changed.</summary>
    public FileStamp Stamp() => Interop.FStatx(_fd, Path);

    /// <summary>
    /// Whether <paramref name="ctimeNs"/>, this directory's ctime as <see cref="Stamp"/> just read it, will differ
    /// from the ctime after any later change of its entries (<see cref="ChangeTime"/>).
    /// </summary>
    public bool ChangeTimeSettled(long ctimeNs) => ChangeTime.SettledFor(_fd, ctimeNs);

    /// <summary>The entries, names only (getdents64; no file is opened), "." and ".." included.</summary>
    public EntryEnumerator Entries() => new(this);

    public void Dispose() => _fd.Dispose();

    internal SafeFileHandle Handle => _fd;

    internal string Join(string name) => System.IO.Path.Join(Path, name);

    private string? TryRead(string name, bool withIno, out ulong ino)
    {
        ino = 0;
        int errno = Interop.TryOpenAt(_fd, name, Interop.O_RDONLY | Interop.O_NOFOLLOW | Interop.O_NONBLOCK, 0, out var fd);
        if (fd is null)
        {
            return errno is Interop.Errno.ENOENT or Interop.Errno.ELOOP ? null : throw new SystemCallException("open", errno, Join(name));
        }

        using (fd)
        {
            ino = withIno ? Interop.FStatx(fd, Join(name)).Ino : 0;
            return SmallFile.ReadAll(fd);
        }
    }

    /// <summary>Walks the entries of the directory from the start, 64 KiB of them per system call.</summary>
    public ref struct EntryEnumerator
    {
        private readonly StoreDirectory _dir;
        private readonly byte[] _buffer;
        private int _length;
        private int _next;
        private int _current;
        private bool _started;

        internal EntryEnumerator(StoreDirectory dir)
        {
            _dir = dir;
            _buffer = new byte[64 * 1024];
        }

        public readonly Entry Current
        {
            get
            {
                var record = _buffer.AsSpan(_current);
                int reclen = BitConverter.ToUInt16(record[Interop.DirentReclenOffset..]);
                var name = record[Interop.DirentNameOffset..reclen];
                return new Entry(name[..name.IndexOf((byte)0)], BitConverter.ToUInt64(record[Interop.DirentInoOffset..]));
            }
        }

        public readonly EntryEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (!_started)
            {
                // The descriptor is shared by every listing of this directory: start each one at the beginning.
                _started = true;
                Interop.LSeekStart(_dir._fd, _dir.Path);
            }

            if (_next >= _length)
            {
                _length = Interop.GetDents64(_dir._fd, _buffer, _dir.Path);
                _next = 0;
                if (_length == 0)
                {
                    return false;
                }
            }

            _current = _next;
            _next += BitConverter.ToUInt16(_buffer.AsSpan(_current + Interop.DirentReclenOffset));
            return true;
        }
    }

    /// <summary>One directory entry: its name as the kernel stores it (bytes, no NUL) and its inode number.</summary>
    public readonly ref struct Entry(ReadOnlySpan<byte> name, ulong ino)
    {
        public ReadOnlySpan<byte> Name { get; } = name;

        public ulong Ino { get; } = ino;

        public override string ToString() => Encoding.UTF8.GetString(Name) + " #" + Ino.ToString(CultureInfo.InvariantCulture);
    }
}
