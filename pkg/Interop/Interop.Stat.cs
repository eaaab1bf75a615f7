using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // include/uapi/linux/magic.h
    internal const long NSFS_MAGIC = 0x6e736673;
    internal const long PROC_SUPER_MAGIC = 0x9fa0;

    // struct statfs and struct stat are at most 144 bytes on the 64-bit ABIs we build for; the first fields
    // (f_type; st_dev, st_ino) are 64-bit and at the same offsets on x86_64 and aarch64.
    private const int StatBufferSize = 256;

    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const uint STATX_NLINK = 0x4;

    // struct statx has one layout on every architecture; stx_nlink is the u32 at offset 16.
    private const int StatxNlinkOffset = 16;

    [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxRaw(int dirFd, string path, int flags, uint mask, byte* buf);

    /// <summary>How many names the file at <paramref name="path"/> has (symlinks not followed); 0 when it does not exist.</summary>
    internal static unsafe int LinkCount(string path)
    {
        byte* buf = stackalloc byte[StatBufferSize];
        if (StatxRaw(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_NLINK, buf) != 0)
        {
            return Marshal.GetLastPInvokeError() == Errno.ENOENT ? 0 : throw LastError("statx", path);
        }

        return (int)*(uint*)(buf + StatxNlinkOffset);
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "fstatfs", SetLastError = true)]
    private static unsafe partial int FStatFsRaw(SafeFileHandle fd, byte* buf);

    [LibraryImport(Libraries.Libc, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatRaw(string path, byte* buf);

    /// <summary>Device and inode of a path (symlinks followed), or false when it cannot be stat'ed; never throws.</summary>
    internal static unsafe bool TryStatId(string path, out (ulong Dev, ulong Ino) id)
    {
        byte* buf = stackalloc byte[StatBufferSize];
        id = default;
        if (StatRaw(path, buf) != 0)
        {
            return false;
        }

        id = (*(ulong*)buf, *(ulong*)(buf + 8));
        return true;
    }

    /// <summary>The filesystem magic number of an open file (statfs f_type).</summary>
    internal static unsafe long FStatFsType(SafeFileHandle fd, string path)
    {
        byte* buf = stackalloc byte[StatBufferSize];
        if (FStatFsRaw(fd, buf) != 0)
        {
            throw LastError("fstatfs", path);
        }

        return *(long*)buf;
    }
}
