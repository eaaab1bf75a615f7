using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace CniPlugins.Ip;

/// <summary>
/// Address text exactly as the reference (Go's net package) reads and writes it. The host-local store names files
/// after addresses, so both implementations must agree byte for byte: IPv4-mapped IPv6 reads as IPv4, IPv4 must be
/// four decimal parts without leading zeros (no "10.1" or "0x0a..." that IPAddress.Parse accepts), zones are
/// refused, and IPv6 is written with the longest run of two or more zero groups compressed and no embedded IPv4.
/// </summary>
public static class GoIp
{
    /// <summary>Go's net.ParseIP followed by To4 canonicalization.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out IPAddress? ip)
    {
        ip = null;
        if (string.IsNullOrEmpty(s) || s.Length > 45)
        {
            return false;
        }

        if (s.Contains(':'))
        {
            foreach (char c in s)
            {
                if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
                {
                    return false;
                }
            }

            if (!IPAddress.TryParse(s, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            if (s.Contains('.') && !IsDottedQuad(s[(s.LastIndexOf(':') + 1)..]))
            {
                return false;
            }

            ip = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
            return true;
        }

        if (!IsDottedQuad(s))
        {
            return false;
        }

        ip = IPAddress.Parse(s);
        return true;
    }

    public static IPAddress Parse(string s) =>
        TryParse(s, out var ip) ? ip : throw new FormatException($"invalid IP address: {s}");

    /// <summary>Go's net.ParseCIDR, but keeping the address as written (the CNI types.ParseCIDR behaviour).</summary>
    public static bool TryParseCidr([NotNullWhen(true)] string? s, [NotNullWhen(true)] out IPAddress? ip, out int prefix)
    {
        ip = null;
        prefix = 0;
        int slash = s?.IndexOf('/') ?? -1;
        if (slash < 0 || !TryParse(s![..slash], out var addr))
        {
            return false;
        }

        string bits = s[(slash + 1)..];
        // A v4-mapped address written in IPv6 form keeps its IPv6 prefix length in Go; refuse it rather than guess.
        int max = IpMath.IsV4(addr) && s.IndexOf(':') < 0 ? 32 : IpMath.IsV4(addr) ? -1 : 128;
        if (bits.Length == 0 || bits.Length > 3 || (bits.Length > 1 && bits[0] == '0') ||
            !int.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
        {
            return false;
        }

        ip = addr;
        return true;
    }

    /// <summary>Go's net.IP.String().</summary>
    public static string Format(IPAddress ip)
    {
        if (IpMath.IsV4(ip))
        {
            return ip.ToString();
        }

        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out _);
        Span<ushort> groups = stackalloc ushort[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = (ushort)((b[2 * i] << 8) | b[(2 * i) + 1]);
        }

        // Longest run of zero groups, at least two long; the first one wins a tie.
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }

            if (j - i > bestLen && j - i >= 2)
            {
                bestStart = i;
                bestLen = j - i;
            }

            i = j;
        }

        var sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.Append("::");
                i += bestLen - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLen)
            {
                sb.Append(':');
            }

            sb.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static bool IsDottedQuad(string s)
    {
        int parts = 0, i = 0;
        while (i <= s.Length)
        {
            int start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            int len = i - start;
            if (len == 0 || len > 3 || (len > 1 && s[start] == '0') ||
                int.Parse(s.AsSpan(start, len), CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            parts++;
            if (i == s.Length)
            {
                break;
            }

            if (s[i] != '.' || parts == 4)
            {
                return false;
            }

            i++;
        }

        return parts == 4;
    }
}
