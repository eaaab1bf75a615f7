namespace CniPlugins.Netlink;

/// <summary>The kernel refused a netlink request. <see cref="Errno"/> is positive; <see cref="ExtAck"/> is the kernel's own explanation when it gave one.</summary>
public sealed class NetlinkException : IOException
{
    public NetlinkException(string operation, int errno, string? extAck)
        : base(Format(operation, errno, extAck))
    {
        Operation = operation;
        Errno = errno;
        ExtAck = extAck;
        HResult = errno;
    }

    public string Operation { get; }

    public int Errno { get; }

    public string? ExtAck { get; }

    public bool IsNotFound => Errno is Interop.Errno.ENODEV or Interop.Errno.ENOENT or Interop.Errno.ESRCH or Interop.Errno.EADDRNOTAVAIL;

    public bool IsExists => Errno == Interop.Errno.EEXIST;

    public bool IsInvalidArgument => Errno == Interop.Errno.EINVAL;

    private static string Format(string operation, int errno, string? extAck) =>
        string.IsNullOrEmpty(extAck)
            ? $"{operation}: {Interop.ErrnoMessage(errno)}"
            : $"{operation}: {Interop.ErrnoMessage(errno)} ({extAck})";
}

/// <summary>No link of that name or index exists in the namespace.</summary>
public sealed class LinkNotFoundException : IOException
{
    public LinkNotFoundException(string link)
        : base($"link \"{link}\" not found") => Link = link;

    public string Link { get; }
}
