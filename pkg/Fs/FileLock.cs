using Microsoft.Win32.SafeHandles;

namespace CniPlugins.Fs;

/// <summary>
/// An exclusive flock(2) on a lock file, held until disposed. Blocking, so concurrent plugin runs queue instead of
/// failing, and interoperable with the reference plugins' go-filemutex locks on the same file.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly SafeFileHandle _fd;

    private FileLock(SafeFileHandle fd) => _fd = fd;

    /// <summary>
    /// Opens (creating with <paramref name="mode"/> if needed) and locks <paramref name="path"/>. A symbolic link
    /// there is refused, not followed: O_CREAT through a link would create or lock a file anywhere, and replacing
    /// the link would leave another implementation locking the link's target while we lock our own file.
    /// </summary>
    public static FileLock Acquire(string path, int mode)
    {
        SafeFileHandle fd;
        try
        {
            fd = Interop.Open(path, Interop.O_RDONLY | Interop.O_CREAT | Interop.O_NOFOLLOW | Interop.O_NONBLOCK, mode);
        }
        catch (SystemCallException e) when (e.Errno == Interop.Errno.ELOOP)
        {
            throw new SystemCallException("open", e.Errno, path, "is a symbolic link; lock files are never followed, remove it");
        }

        try
        {
            Interop.Flock(fd, Interop.LOCK_EX, path);
            return new FileLock(fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Closing the descriptor drops the lock.</summary>
    public void Dispose() => _fd.Dispose();
}
