using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    // include/uapi/linux/sched.h
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport(Libraries.Libc, EntryPoint = "setns", SetLastError = true)]
    private static partial int SetnsRaw(SafeFileHandle fd, int nstype);

    /// <summary>Moves the calling thread (only that thread) into the namespace behind <paramref name="fd"/>.</summary>
    internal static void Setns(SafeFileHandle fd, string path)
    {
        if (SetnsRaw(fd, CLONE_NEWNET) != 0)
        {
            throw LastError("setns", path);
        }
    }
}
