using System.Runtime.InteropServices;

namespace CniPlugins.Fs;

/// <summary>
/// A descriptor read and written with plain read(2)/write(2): the standard streams and pipes to children. A
/// FileStream would keep its own file position (wrong when stdout is a file others append to); System.Console
/// would start a signal-handling thread a plugin that lives for milliseconds does not need.
/// </summary>
internal sealed class FdStream(int fd, bool ownsFd) : Stream
{
    private int _fd = fd;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Interop.Read(_fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
                {
                    throw Interop.LastError("read");
                }
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint n = Interop.Write(_fd, p + done, (nuint)(buffer.Length - done));
                if (n >= 0)
                {
                    done += (int)n;
                }
                else if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
                {
                    throw Interop.LastError("write");
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (ownsFd && fd >= 0)
        {
            Interop.Close(fd);
        }

        base.Dispose(disposing);
    }
}
