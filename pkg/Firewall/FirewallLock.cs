using CniPlugins.Fs;

namespace CniPlugins.Firewall;

/// <summary>
/// A lock for chains every attachment shares (isolation stages, the reference's <c>CNI-HOSTPORT-*</c>): their
/// create-if-missing and remove-when-empty steps read and then write, so two plugins at once must queue. Files in
/// /run/cni-plugins, one per set of shared chains.
/// </summary>
public static class FirewallLock
{
    private const string Directory = "/run/cni-plugins";

    public static FileLock Acquire(string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return FileLock.Acquire(Path.Combine(Directory, name + ".lock"), 0x180 /* 0600 */);
    }
}
