using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CniPlugins.Fs;

/// <summary>
/// Whole-file reads and in-place rewrites of small state files (a few bytes to a few KiB), with pread/pwrite on
/// the bare descriptor: a FileStream or StreamReader per file costs buffers, encoding detection and extra
/// lseek/fstat calls, a measurable share of a plugin that reads half a dozen such files in 2 ms.
/// </summary>
public static class SmallFile
{
    private const int Mode0644 = 0b110_100_100;

    /// <summary>
    /// The file's text (UTF-8), or null if it does not exist. Absence is common, so it is not an exception. A
    /// symbolic link is not followed (an error), here as in <see cref="Rewrite"/>.
    /// </summary>
    public static string? TryRead(string path)
    {
        using var fd = Interop.OpenExisting(path, Interop.O_RDONLY | Interop.O_NOFOLLOW);
        if (fd is null)
        {
            return null;
        }

        return ReadAll(fd);
    }

    /// <summary>The whole text (UTF-8) of an open file, read from offset 0.</summary>
    internal static string ReadAll(SafeFileHandle fd)
    {
        byte[] buffer = new byte[512];
        int length = 0;
        int n;
        while ((n = RandomAccess.Read(fd, buffer.AsSpan(length), length)) > 0)
        {
            length += n;
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 4);
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Appends <paramref name="content"/> in one write (O_APPEND; the file is created 0600 if needed).</summary>
    public static void Append(string path, string content)
    {
        using var fd = Interop.Open(path, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_APPEND | Interop.O_NOFOLLOW, 0b110_000_000);
        RandomAccess.Write(fd, Encoding.UTF8.GetBytes(content), 0);
    }

    /// <summary>
    /// Overwrites from offset 0 (creating the file 0644 if needed) and only then cuts it to length. Truncating to
    /// zero first (O_TRUNC) makes ext4's auto_da_alloc flush the file to disk on close — real block I/O on every
    /// run. A crash in between leaves old bytes after the new ones, so readers must treat the content as a hint
    /// they can validate.
    /// </summary>
    public static void Rewrite(string path, string content)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        using var fd = Interop.Open(path, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_NOFOLLOW, Mode0644);
        RandomAccess.Write(fd, bytes, 0);
        RandomAccess.SetLength(fd, bytes.Length);
    }
}
