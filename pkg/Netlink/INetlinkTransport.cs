namespace CniPlugins.Netlink;

/// <summary>
/// What <see cref="RtnlHandle"/> needs from a socket. <see cref="NetlinkSocket"/> is the real one; tests supply
/// a fake that records requests and plays back kernel replies, so codecs are checked byte for byte.
/// </summary>
public interface INetlinkTransport : IDisposable
{
    uint PortId { get; }

    void Send(ReadOnlySpan<byte> message);

    (int Length, bool FromKernel) Receive(Span<byte> buffer);
}
