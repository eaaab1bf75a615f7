using System.Globalization;

namespace CniPlugins.Fs;

/// <summary>
/// Puts a file or a symbolic link at a name in one step: made in full under a scratch name in the same directory,
/// flushed to disk, then renamed over the name. A reader sees the old entry or the new one, never a partial file,
/// and the old file is never opened for writing: a program still executing it keeps its inode, which the kernel
/// frees when the last user lets go (writing into a running executable fails with ETXTBSY or corrupts it).
/// </summary>
public static class AtomicReplace
{
    /// <summary>Replaces <paramref name="name"/> in <paramref name="dirPath"/> with a regular file holding <paramref name="content"/>.</summary>
    public static void WriteFile(string dirPath, string name, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        using var dir = StoreDirectory.Open(dirPath);
        string scratch = ScratchName(name);
        dir.Remove(scratch);
        const int flags = Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW;
        int errno = Interop.TryOpenAt(dir.Handle, scratch, flags, (int)mode, out var fd);
        if (fd is null)
        {
            throw new SystemCallException("open", errno, dir.Join(scratch));
        }

        try
        {
            using (fd)
            {
                RandomAccess.Write(fd, content, 0);
                Interop.FChmod(fd, (int)mode, dir.Join(scratch));
                Interop.FSync(fd, dir.Join(scratch));
            }

            Interop.RenameAt(dir.Handle, scratch, name, dir.Join(name));
        }
        catch
        {
            dir.Remove(scratch);
            throw;
        }

        // The rename itself reaches the disk only with the directory.
        Interop.FSync(dir.Handle, dir.Path);
    }

    /// <summary>Replaces <paramref name="name"/> in <paramref name="dirPath"/> with a symbolic link to <paramref name="target"/>.</summary>
    public static void Symlink(string dirPath, string name, string target)
    {
        using var dir = StoreDirectory.Open(dirPath);
        string scratch = ScratchName(name);
        dir.Remove(scratch);
        Interop.SymlinkAt(target, dir.Handle, scratch, dir.Join(scratch));
        try
        {
            Interop.RenameAt(dir.Handle, scratch, name, dir.Join(name));
        }
        catch
        {
            dir.Remove(scratch);
            throw;
        }

        Interop.FSync(dir.Handle, dir.Path);
    }

    /// <summary>A hidden name of this process: two installers at once do not take each other's scratch file.</summary>
    private static string ScratchName(string name) =>
        "." + name + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
}
