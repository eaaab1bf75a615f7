using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // include/uapi/linux/fcntl.h
    internal const int AT_SYMLINK_FOLLOW = 0x400;
    internal const int AT_EMPTY_PATH = 0x1000;

    [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAtRaw(int oldDirFd, string oldPath, SafeFileHandle newDirFd, string newPath, int flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAtRaw(SafeFileHandle oldDirFd, string oldPath, SafeFileHandle newDirFd, string newPath, int flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAtRaw(SafeFileHandle dirFd, string path, int flags);

    /// <summary>linkat(2) from a path (e.g. /proc/self/fd/N) into a directory; 0 or the errno, never throws.</summary>
    internal static int LinkAt(string oldPath, SafeFileHandle newDir, string newName, int flags) =>
        LinkAtRaw(AT_FDCWD, oldPath, newDir, newName, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>linkat(2) from a directory entry or (AT_EMPTY_PATH, empty name) a descriptor; 0 or the errno.</summary>
    internal static int LinkAt(SafeFileHandle oldDir, string oldName, SafeFileHandle newDir, string newName, int flags) =>
        LinkAtRaw(oldDir, oldName, newDir, newName, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>unlinkat(2) of a non-directory entry; 0 or the errno, never throws.</summary>
    internal static int UnlinkAt(SafeFileHandle dirFd, string name) =>
        UnlinkAtRaw(dirFd, name, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
