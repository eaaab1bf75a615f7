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
    internal const int O_CLOEXEC = 0x80000;

    // The "relative to the working directory" descriptor of the *at(2) calls.
    internal const int AT_FDCWD = -100;

    [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags, int mode);

    [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    /// <summary>open(2), close-on-exec; a descriptor, or -1 with errno set.</summary>
    internal static int OpenFd(string path, int flags, int mode = 0) => OpenRaw(path, flags | O_CLOEXEC, mode);

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
}
