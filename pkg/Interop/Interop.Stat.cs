using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // include/uapi/linux/magic.h
    internal const long NSFS_MAGIC = 0x6e736673;
    internal const long PROC_SUPER_MAGIC = 0x9fa0;
    internal const long EXT4_SUPER_MAGIC = 0xEF53;
    internal const long XFS_SUPER_MAGIC = 0x58465342;
    internal const long BTRFS_SUPER_MAGIC = 0x9123683E;
    internal const long TMPFS_MAGIC = 0x01021994;

    // struct statfs and struct stat are at most 144 bytes on the 64-bit ABIs we build for; the first fields
    // (f_type; st_dev, st_ino) are 64-bit and at the same offsets on x86_64 and aarch64.
    private const int StatBufferSize = 256;

    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const uint STATX_BASIC_STATS = 0x7ff;

    // struct statx has one layout on every architecture (include/uapi/linux/stat.h).
    private const int StatxModeOffset = 28;
    private const int StatxInoOffset = 32;
    private const int StatxCtimeOffset = 96;
    private const int StatxMtimeOffset = 112;
    private const int StatxDevMajorOffset = 136;
    private const int StatxDevMinorOffset = 140;

    [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxRaw(SafeFileHandle dirFd, string path, int flags, uint mask, byte* buf);

    /// <summary>
    /// statx(2) of an open descriptor (AT_EMPTY_PATH): which file it is and when its entries or attributes last
    /// changed, in nanoseconds.
    /// </summary>
    internal static unsafe FileStamp FStatx(SafeFileHandle fd, string path)
    {
        byte* buf = stackalloc byte[StatBufferSize];
        if (StatxRaw(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf) != 0)
        {
            throw LastError("statx", path);
        }

        static long Nanos(byte* ts) => (*(long*)ts * 1_000_000_000L) + *(uint*)(ts + 8);
        return new FileStamp(
            ((ulong)*(uint*)(buf + StatxDevMajorOffset) << 32) | *(uint*)(buf + StatxDevMinorOffset),
            *(ulong*)(buf + StatxInoOffset),
            Nanos(buf + StatxMtimeOffset),
            Nanos(buf + StatxCtimeOffset),
            *(ushort*)(buf + StatxModeOffset));
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

/// <summary>A file's identity and change times from statx(2); <see cref="Mode"/> holds the type bits too.</summary>
public readonly record struct FileStamp(ulong Dev, ulong Ino, long MtimeNs, long CtimeNs, int Mode);
