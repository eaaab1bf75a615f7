using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, then the NUL-terminated name.
    internal const int DirentInoOffset = 0;
    internal const int DirentReclenOffset = 16;
    internal const int DirentNameOffset = 19;

    [LibraryImport(Libraries.Libc, EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint GetDents64Raw(SafeFileHandle fd, byte* buf, nuint count);

    /// <summary>getdents64(2): fills <paramref name="buf"/> with directory entries; 0 at the end.</summary>
    internal static unsafe int GetDents64(SafeFileHandle fd, Span<byte> buf, string path)
    {
        fixed (byte* p = buf)
        {
            nint n = GetDents64Raw(fd, p, (nuint)buf.Length);
            return n >= 0 ? (int)n : throw LastError("getdents64", path);
        }
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeekRaw(SafeFileHandle fd, long offset, int whence);

    /// <summary>lseek(fd, 0, SEEK_SET): a directory's listing starts over.</summary>
    internal static void LSeekStart(SafeFileHandle fd, string path)
    {
        if (LSeekRaw(fd, 0, 0) < 0)
        {
            throw LastError("lseek", path);
        }
    }
}
