using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // Linux 6.8 and later (include/uapi/linux/stat.h, include/uapi/linux/mount.h, the syscall tables): newer than
    // the headers of some build hosts, so the header test compares them only where the headers have them, and a
    // test asks the running kernel for a mount's type through them and compares it with /proc/self/mountinfo.
    internal const uint STATX_MNT_ID_UNIQUE = 0x4000;
    internal const long NR_statmount = 457;
    internal const ulong STATMOUNT_FS_TYPE = 0x20;
    internal const int MNT_ID_REQ_SIZE_VER0 = 24;
    internal const int StatmountMaskOffset = 8;
    internal const int StatmountFsTypeOffset = 36;
    internal const int StatmountStrOffset = 512;

    private const int StatxMaskOffset = 0;
    private const int StatxMntIdOffset = 144;
    internal const int StatmountBufferSize = StatmountStrOffset + 512;

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long Syscall4(long number, void* a, void* b, nuint c, uint d);

    /// <summary>
    /// The type of the filesystem as mounted where <paramref name="fd"/> lives ("ext4", "ext3", "tmpfs"...), from
    /// statmount(2) by the mount's unique ID; null where the kernel has no statmount (before 6.8) or says nothing.
    /// Unlike statfs's magic number it tells ext2, ext3 and ext4 apart, which one driver serves under one magic.
    /// </summary>
    internal static unsafe string? TryMountFsType(SafeFileHandle fd)
    {
        byte* stx = stackalloc byte[StatBufferSize];
        if (StatxRaw(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID_UNIQUE, stx) != 0 ||
            (*(uint*)(stx + StatxMaskOffset) & STATX_MNT_ID_UNIQUE) == 0)
        {
            return null;
        }

        ulong* req = stackalloc ulong[MNT_ID_REQ_SIZE_VER0 / sizeof(ulong)];
        req[0] = (uint)MNT_ID_REQ_SIZE_VER0; // u32 size, u32 spare
        req[1] = *(ulong*)(stx + StatxMntIdOffset);
        req[2] = STATMOUNT_FS_TYPE;
        byte* buf = stackalloc byte[StatmountBufferSize];
        if (Syscall4(NR_statmount, req, buf, StatmountBufferSize, 0) != 0 ||
            (*(ulong*)(buf + StatmountMaskOffset) & STATMOUNT_FS_TYPE) == 0)
        {
            return null;
        }

        var str = new ReadOnlySpan<byte>(buf + StatmountStrOffset, StatmountBufferSize - StatmountStrOffset)[(int)*(uint*)(buf + StatmountFsTypeOffset)..];
        int end = str.IndexOf((byte)0);
        return end < 0 ? null : Encoding.UTF8.GetString(str[..end]);
    }
}
