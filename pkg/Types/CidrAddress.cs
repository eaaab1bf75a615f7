using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace CniPlugins.Types;

/// <summary>
/// An address with its prefix length, as CNI writes it ("10.1.2.5/24"): unlike <see cref="IPNetwork"/> the host
/// bits may be set.
/// </summary>
public readonly record struct CidrAddress(IPAddress Address, int PrefixLength)
{
    public bool IsIPv4 => Address.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>The network this address lies in, host bits cleared.</summary>
    public IPNetwork Network => new(Mask(Address, PrefixLength), PrefixLength);

    public static CidrAddress Parse(string s) =>
        TryParse(s, out var value) ? value : throw new FormatException($"invalid CIDR address \"{s}\"");

    public static bool TryParse([NotNullWhen(true)] string? s, out CidrAddress value)
    {
        value = default;
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        int slash = s.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(s.AsSpan(0, slash), out var ip) || s.Contains('%') ||
            !int.TryParse(s.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out int prefix))
        {
            return false;
        }

        int max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > max || s.Length - slash - 1 > 3)
        {
            return false;
        }

        value = new CidrAddress(ip, prefix);
        return true;
    }

    /// <summary>A single host: /32 or /128.</summary>
    public static CidrAddress Host(IPAddress ip) =>
        new(ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);

    public bool Contains(IPAddress ip) =>
        ip.AddressFamily == Address.AddressFamily && Mask(ip, PrefixLength).Equals(Network.BaseAddress);

    public override string ToString() => $"{Address}/{PrefixLength}";

    /// <summary>Clears the bits after <paramref name="prefix"/>.</summary>
    public static IPAddress Mask(IPAddress ip, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out int len);
        bytes = bytes[..len];
        for (int i = 0; i < len; i++)
        {
            int bitsLeft = prefix - (i * 8);
            bytes[i] &= bitsLeft >= 8 ? (byte)0xff : bitsLeft <= 0 ? (byte)0 : (byte)(0xff << (8 - bitsLeft));
        }

        return new IPAddress(bytes);
    }
}
