using System.Runtime.InteropServices;

internal static partial class Interop
{
    // /usr/include/asm-generic/errno-base.h and errno.h: the values the suite reacts to by name.
    internal static class Errno
    {
        internal const int ENOENT = 2;
        internal const int EINTR = 4;
        internal const int EEXIST = 17;
        internal const int ENODEV = 19;
        internal const int EISDIR = 21;
        internal const int EINVAL = 22;
        internal const int ETXTBSY = 26;
        internal const int EPIPE = 32;
        internal const int ELOOP = 40;
        internal const int EOPNOTSUPP = 95;
        internal const int EADDRNOTAVAIL = 99;
        internal const int ESRCH = 3;
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "strerror")]
    private static partial nint StrError(int errnum);

    /// <summary>The C library's text for an errno value, e.g. "No such device".</summary>
    internal static string ErrnoMessage(int errno)
    {
        nint p = StrError(errno);
        return p == 0 ? $"errno {errno}" : Marshal.PtrToStringUTF8(p) ?? $"errno {errno}";
    }

    /// <summary>Builds the exception for a failed call, reading errno immediately.</summary>
    internal static SystemCallException LastError(string call, string? subject = null) =>
        new(call, Marshal.GetLastPInvokeError(), subject);
}

/// <summary>A libc call failed; <see cref="Errno"/> is the raw errno value.</summary>
public sealed class SystemCallException : IOException
{
    public SystemCallException(string call, int errno, string? subject = null, string? explanation = null)
        : base((subject is null
            ? $"{call}: {Interop.ErrnoMessage(errno)}"
            : $"{call} \"{subject}\": {Interop.ErrnoMessage(errno)}") + (explanation is null ? "" : $" ({explanation})"))
    {
        Call = call;
        Errno = errno;
        HResult = errno;
    }

    public string Call { get; }

    /// <summary>The C library's text for <see cref="Errno"/>, e.g. "Read-only file system".</summary>
    public string Reason => Interop.ErrnoMessage(Errno);

    public int Errno { get; }
}
