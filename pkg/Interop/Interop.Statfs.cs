using System.Runtime.InteropServices;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libc, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatFsRaw(string path, byte* buf);

    /// <summary>
    /// The filesystem magic number (statfs f_type) of whatever <paramref name="path"/> names, without opening it:
    /// opening a FIFO blocks until a writer comes, and opening a device can have effects of its own.
    /// </summary>
    internal static unsafe long StatFsType(string path)
    {
        byte* buf = stackalloc byte[StatBufferSize];
        if (StatFsRaw(path, buf) != 0)
        {
            throw LastError("statfs", path);
        }

        return *(long*)buf;
    }
}
