using System.Runtime.InteropServices;

internal static partial class Interop
{
    private const uint RENAME_NOREPLACE = 1;

    [LibraryImport(Libraries.Libc, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2Raw(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>
    /// renameat2(2) with RENAME_NOREPLACE: moves <paramref name="oldPath"/> to <paramref name="newPath"/> only if that
    /// name is free, atomically. Returns 0 or the errno (EEXIST: taken; ENOENT: no source; EXDEV: another
    /// filesystem; EINVAL: the filesystem has no no-replace rename); never throws.
    /// </summary>
    internal static int RenameNoReplace(string oldPath, string newPath) =>
        RenameAt2Raw(AT_FDCWD, oldPath, AT_FDCWD, newPath, RENAME_NOREPLACE) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
