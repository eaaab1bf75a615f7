using System.Text;

namespace CniPlugins.HostLocal.Disk;

/// <summary>FNV-1a, 64 bits: stable across runs and machines (string.GetHashCode is not) and needs no crypto library.</summary>
internal static class Fnv64
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong h = Offset;
        foreach (byte b in bytes)
        {
            h = (h ^ b) * Prime;
        }

        return h;
    }

    public static ulong Hash(string text) => Hash(Encoding.UTF8.GetBytes(text));
}
