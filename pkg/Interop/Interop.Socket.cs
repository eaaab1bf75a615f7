using System.Runtime.InteropServices;

internal static partial class Interop
{
    // /usr/include/x86_64-linux-gnu/bits/socket.h, include/uapi/linux/netlink.h
    internal const int AF_UNSPEC = 0;
    internal const int AF_INET = 2;
    internal const int AF_BRIDGE = 7;
    internal const int AF_INET6 = 10;
    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVBUF = 8;
    internal const int SO_RCVTIMEO = 20;
    internal const int SOL_NETLINK = 270;
    internal const int NETLINK_ROUTE = 0;
    internal const int NETLINK_EXT_ACK = 11;
    internal const int NETLINK_NETFILTER = 12;

    [StructLayout(LayoutKind.Sequential)]
    internal struct SockaddrNl
    {
        public ushort nl_family;
        public ushort nl_pad;
        public uint nl_pid;
        public uint nl_groups;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Timeval
    {
        public long tv_sec;
        public long tv_usec;
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, in SockaddrNl addr, int addrlen);

    [LibraryImport(Libraries.Libc, EntryPoint = "getsockname", SetLastError = true)]
    internal static partial int GetSockName(int fd, out SockaddrNl addr, ref int addrlen);

    [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(int fd, int level, int optname, void* optval, int optlen);

    [LibraryImport(Libraries.Libc, EntryPoint = "sendto", SetLastError = true)]
    internal static unsafe partial nint SendTo(int fd, byte* buf, nuint len, int flags, in SockaddrNl addr, int addrlen);

    [LibraryImport(Libraries.Libc, EntryPoint = "recvfrom", SetLastError = true)]
    internal static unsafe partial nint RecvFrom(int fd, byte* buf, nuint len, int flags, out SockaddrNl addr, ref int addrlen);
}
