using System.Runtime.InteropServices;

namespace CniPlugins.Netlink;

/// <summary>
/// A raw netlink socket. It belongs for life to the namespace that was current on the thread that opened it, so
/// one is opened per namespace (see <see cref="RtnlHandle.OpenIn"/>) and then used from any thread.
/// </summary>
public sealed class NetlinkSocket : INetlinkTransport
{
    private int _fd;

    private NetlinkSocket(int fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
    }

    public uint PortId { get; }

    public static unsafe NetlinkSocket Open(int protocol)
    {
        int fd = Interop.Socket(Interop.AF_NETLINK, Interop.SOCK_RAW | Interop.SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw Interop.LastError("socket(AF_NETLINK)");
        }

        try
        {
            int one = 1;
            // Extended ACKs carry the kernel's reason for a refusal; best effort, older kernels lack them.
            Interop.SetSockOpt(fd, Interop.SOL_NETLINK, Interop.NETLINK_EXT_ACK, &one, sizeof(int));
            int buf = 1 << 20;
            Interop.SetSockOpt(fd, Interop.SOL_SOCKET, Interop.SO_RCVBUF, &buf, sizeof(int));
            // A kernel that never answers must not hang the runtime's call forever.
            var timeout = new Interop.Timeval { tv_sec = 60 };
            Interop.SetSockOpt(fd, Interop.SOL_SOCKET, Interop.SO_RCVTIMEO, &timeout, sizeof(Interop.Timeval));

            var local = new Interop.SockaddrNl { nl_family = Interop.AF_NETLINK };
            if (Interop.Bind(fd, local, sizeof(Interop.SockaddrNl)) != 0)
            {
                throw Interop.LastError("bind(AF_NETLINK)");
            }

            int len = sizeof(Interop.SockaddrNl);
            if (Interop.GetSockName(fd, out var bound, ref len) != 0)
            {
                throw Interop.LastError("getsockname(AF_NETLINK)");
            }

            return new NetlinkSocket(fd, bound.nl_pid);
        }
        catch
        {
            Interop.Close(fd);
            throw;
        }
    }

    public unsafe void Send(ReadOnlySpan<byte> message)
    {
        var kernel = new Interop.SockaddrNl { nl_family = Interop.AF_NETLINK };
        fixed (byte* p = message)
        {
            while (Interop.SendTo(Fd, p, (nuint)message.Length, 0, kernel, sizeof(Interop.SockaddrNl)) < 0)
            {
                if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
                {
                    throw Interop.LastError("sendto(AF_NETLINK)");
                }
            }
        }
    }

    /// <summary>Receives one datagram; returns its length and whether it came from the kernel (port 0).</summary>
    public unsafe (int Length, bool FromKernel) Receive(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                int len = sizeof(Interop.SockaddrNl);
                nint n = Interop.RecvFrom(Fd, p, (nuint)buffer.Length, 0, out var from, ref len);
                if (n >= 0)
                {
                    return ((int)n, from.nl_pid == 0);
                }

                if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
                {
                    throw Interop.LastError("recvfrom(AF_NETLINK)");
                }
            }
        }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(NetlinkSocket));

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Interop.Close(fd);
        }
    }
}
