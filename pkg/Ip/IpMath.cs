using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CniPlugins.Ip;

/// <summary>
/// Addresses as 128-bit numbers, so ranges can be walked and compared without allocating (IPv4 uses the low 32
/// bits). The reference's pkg/ip NextIP/Cmp, without the byte-slice juggling.
/// </summary>
public static class IpMath
{
    public static UInt128 ToNumber(IPAddress ip)
    {
        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out int len);
        return len == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(b)
            : BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    public static IPAddress FromNumber(UInt128 n, bool isV4)
    {
        if (isV4)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)n);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, n);
        return new IPAddress(v6);
    }

    public static bool IsV4(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>Bits in an address of this family: 32 or 128.</summary>
    public static int Bits(bool isV4) => isV4 ? 32 : 128;

    /// <summary>The host-bits mask of a prefix (all ones after the prefix), e.g. /24 → 0.0.0.255.</summary>
    public static UInt128 HostMask(int prefix, bool isV4)
    {
        int hostBits = Bits(isV4) - prefix;
        return hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
    }

    public static int Compare(IPAddress a, IPAddress b) => ToNumber(a).CompareTo(ToNumber(b));

    /// <summary>The next address (wraps at the top of the family, as the reference's NextIP does).</summary>
    public static IPAddress Next(IPAddress ip)
    {
        bool v4 = IsV4(ip);
        UInt128 n = ToNumber(ip) + 1;
        return FromNumber(v4 ? n & uint.MaxValue : n, v4);
    }
}
