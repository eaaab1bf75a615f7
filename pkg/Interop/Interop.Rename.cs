using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libc, EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAtRaw(SafeFileHandle oldDirFd, string oldPath, SafeFileHandle newDirFd, string newPath);

    [LibraryImport(Libraries.Libc, EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SymlinkAtRaw(string target, SafeFileHandle dirFd, string path);

    [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSyncRaw(SafeFileHandle fd);

    [LibraryImport(Libraries.Libc, EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmodRaw(SafeFileHandle fd, int mode);

    /// <summary>renameat(2) within one directory: the new name points at the old entry in one step, replacing what was there.</summary>
    internal static void RenameAt(SafeFileHandle dirFd, string oldName, string newName, string subject)
    {
        if (RenameAtRaw(dirFd, oldName, dirFd, newName) != 0)
        {
            throw LastError("rename", subject);
        }
    }

    /// <summary>symlinkat(2): a symbolic link <paramref name="name"/> in the directory, pointing at <paramref name="target"/>.</summary>
    internal static void SymlinkAt(string target, SafeFileHandle dirFd, string name, string subject)
    {
        if (SymlinkAtRaw(target, dirFd, name) != 0)
        {
            throw LastError("symlink", subject);
        }
    }

    /// <summary>fsync(2) of a file or a directory.</summary>
    internal static void FSync(SafeFileHandle fd, string subject)
    {
        if (FSyncRaw(fd) != 0)
        {
            throw LastError("fsync", subject);
        }
    }

    /// <summary>fchmod(2): the exact mode, whatever the umask took off at creation.</summary>
    internal static void FChmod(SafeFileHandle fd, int mode, string subject)
    {
        if (FChmodRaw(fd, mode) != 0)
        {
            throw LastError("fchmod", subject);
        }
    }
}
