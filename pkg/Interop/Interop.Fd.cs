using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // /usr/include/asm-generic/fcntl.h
    internal const int O_RDONLY = 0x0;
    internal const int O_WRONLY = 0x1;
    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_NOCTTY = 0x100;
    internal const int O_TRUNC = 0x200;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_NOFOLLOW = 0x20000;
    internal const int O_CLOEXEC = 0x80000;

    // __O_TMPFILE | O_DIRECTORY: a kernel that predates O_TMPFILE sees only O_DIRECTORY and fails with EISDIR.
    internal const int O_TMPFILE = 0x400000 | O_DIRECTORY;

    // The "relative to the working directory" descriptor of the *at(2) calls.
    internal const int AT_FDCWD = -100;

    [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags, int mode);

    [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAtRaw(SafeFileHandle dirFd, string path, int flags, int mode);

    [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    /// <summary>open(2); the descriptor is close-on-exec so delegated plugins never inherit it.</summary>
    internal static SafeFileHandle Open(string path, int flags, int mode = 0)
    {
        int fd = OpenRaw(path, flags | O_CLOEXEC, mode);
        if (fd < 0)
        {
            throw LastError("open", path);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>open(2) without O_CREAT: null when the file does not exist, which is no error; any other failure throws.</summary>
    internal static SafeFileHandle? OpenExisting(string path, int flags)
    {
        int fd = OpenRaw(path, flags | O_CLOEXEC, 0);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        return Marshal.GetLastPInvokeError() == Errno.ENOENT ? null : throw LastError("open", path);
    }

    /// <summary>openat(2), close-on-exec; returns 0 and the descriptor, or the errno and null. Never throws.</summary>
    internal static int TryOpenAt(SafeFileHandle dirFd, string name, int flags, int mode, out SafeFileHandle? fd)
    {
        int raw = OpenAtRaw(dirFd, name, flags | O_CLOEXEC, mode);
        if (raw < 0)
        {
            fd = null;
            return Marshal.GetLastPInvokeError();
        }

        fd = new SafeFileHandle(raw, ownsHandle: true);
        return 0;
    }
}
