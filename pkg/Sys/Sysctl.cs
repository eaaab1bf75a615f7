namespace CniPlugins.Sys;

/// <summary>
/// Reads and writes /proc/sys. Keys use slashes (<c>net/ipv4/conf/eth0/arp_notify</c>) so interface names with
/// dots stay unambiguous. /proc/sys/net resolves against the namespace of the thread that opens the file: call
/// these inside <see cref="Ns.NetNs.Run{T}"/> for a container's settings.
/// </summary>
public static class Sysctl
{
    private const string Root = "/proc/sys/";

    /// <summary>Writes <paramref name="value"/> unless it is already set (the read is cheaper than a write and keeps a read-only /proc usable).</summary>
    public static void Set(string key, string value)
    {
        string path = Root + key;
        try
        {
            if (File.ReadAllText(path).Trim() == value)
            {
                return;
            }

            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"failed to set sysctl {key.Replace('/', '.')}={value}: {e.Message}", e);
        }
    }

    /// <summary>Sets a key that may legitimately be absent (IPv6 keys while IPv6 is disabled); absent means nothing to set.</summary>
    public static void SetIfPresent(string key, string value)
    {
        if (File.Exists(Root + key))
        {
            Set(key, value);
        }
    }
}
