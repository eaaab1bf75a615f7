using System.Globalization;

namespace CniPlugins.Netlink;

/// <summary>Ethernet addresses in the colon form CNI configs and results use.</summary>
public static class MacAddress
{
    public static string Format(ReadOnlySpan<byte> mac)
    {
        if (mac.IsEmpty)
        {
            return "";
        }

        return string.Join(":", mac.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    public static bool TryParse(string? s, out byte[] mac)
    {
        mac = [];
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        string[] parts = s.Split(s.Contains('-') ? '-' : ':');
        if (parts.Length != 6)
        {
            return false;
        }

        var bytes = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        mac = bytes;
        return true;
    }
}
