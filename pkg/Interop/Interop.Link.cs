using System.Runtime.InteropServices;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libc, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkRaw(string oldPath, string newPath);

    /// <summary>link(2): false when <paramref name="newPath"/> already exists (EEXIST), the atomic "create if absent".</summary>
    internal static bool Link(string oldPath, string newPath)
    {
        if (LinkRaw(oldPath, newPath) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EEXIST ? false : throw new SystemCallException("link", errno, newPath);
    }
}
