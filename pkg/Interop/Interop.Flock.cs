using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // /usr/include/x86_64-linux-gnu/sys/file.h
    internal const int LOCK_EX = 2;

    [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockRaw(SafeFileHandle fd, int operation);

    /// <summary>
    /// Blocking flock(2). FileShare.None would take LOCK_NB and throw under contention; concurrent plugin runs
    /// must queue on the lock instead, as the reference does.
    /// </summary>
    internal static void Flock(SafeFileHandle fd, int operation, string path)
    {
        while (FlockRaw(fd, operation) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR)
            {
                throw new SystemCallException("flock", errno, path);
            }
        }
    }
}
