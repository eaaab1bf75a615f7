using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace CniPlugins.Fs;

/// <summary>
/// A file written in full before it gets its name, so that the name appears with the whole content or not at all
/// (a run killed half way leaves no empty or partial file). Where the filesystem has O_TMPFILE the file has no
/// name at all until <see cref="TryLinkAs"/> links it in; elsewhere it is written aside under a scratch name,
/// created exclusively and without following links (a stale one is removed first, never reused), hard-linked to
/// its name and then unlinked. One file can be offered for several names in turn until one is free.
/// </summary>
public sealed class NewFile : IDisposable
{
    private readonly StoreDirectory _dir;
    private readonly SafeFileHandle _fd;
    private readonly string? _scratchName;
    private bool _linked;

    private NewFile(StoreDirectory dir, SafeFileHandle fd, string? scratchName)
    {
        _dir = dir;
        _fd = fd;
        _scratchName = scratchName;
    }

    /// <summary>True when the filesystem lacked O_TMPFILE and a scratch name was used.</summary>
    public bool UsesScratchName => _scratchName is not null;

    /// <summary>The file's inode number (the same under every name it gets).</summary>
    public ulong Ino => Interop.FStatx(_fd, _dir.Path).Ino;

    internal static NewFile Create(StoreDirectory dir, byte[] content, int mode, string scratchName, bool unnamed)
    {
        SafeFileHandle? fd = null;
        string? scratch = null;
        int errno = unnamed ? Interop.TryOpenAt(dir.Handle, ".", Interop.O_TMPFILE | Interop.O_WRONLY, mode, out fd) : Interop.Errno.EOPNOTSUPP;

        // EOPNOTSUPP: this filesystem has no O_TMPFILE; EISDIR: this kernel does not know the flag at all.
        if (errno is Interop.Errno.EOPNOTSUPP or Interop.Errno.EISDIR)
        {
            scratch = scratchName;
            dir.Remove(scratch);
            errno = Interop.TryOpenAt(dir.Handle, scratch,
                Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, mode, out fd);
        }

        if (fd is null)
        {
            throw new SystemCallException("open", errno, dir.Path);
        }

        var file = new NewFile(dir, fd, scratch);
        try
        {
            RandomAccess.Write(fd, content, 0);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Gives the file the name <paramref name="name"/> unless that name exists (then false, file kept for another try).</summary>
    public bool TryLinkAs(string name)
    {
        if (_linked)
        {
            throw new InvalidOperationException("the file already has its name");
        }

        int errno = _scratchName is not null
            ? Interop.LinkAt(_dir.Handle, _scratchName, _dir.Handle, name, 0)
            : LinkDescriptor(name);
        if (errno == Interop.Errno.EEXIST)
        {
            return false;
        }

        if (errno != 0)
        {
            throw new SystemCallException("link", errno, _dir.Join(name));
        }

        _linked = true;
        return true;
    }

    /// <summary>Closes the file; an unnamed one vanishes, a scratch name is removed.</summary>
    public void Dispose()
    {
        try
        {
            if (_scratchName is not null)
            {
                _dir.Remove(_scratchName);
            }
        }
        finally
        {
            _fd.Dispose();
        }
    }

    /// <summary>
    /// Links the unnamed file through its /proc/self/fd entry, which needs no privilege; AT_EMPTY_PATH on the
    /// descriptor itself is the way where /proc is not mounted (it needs CAP_DAC_READ_SEARCH).
    /// </summary>
    private int LinkDescriptor(string name)
    {
        string proc = "/proc/self/fd/" + _fd.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
        int errno = Interop.LinkAt(proc, _dir.Handle, name, Interop.AT_SYMLINK_FOLLOW);
        return errno == Interop.Errno.ENOENT && !Directory.Exists("/proc/self/fd")
            ? Interop.LinkAt(_fd, "", _dir.Handle, name, Interop.AT_EMPTY_PATH)
            : errno;
    }
}
