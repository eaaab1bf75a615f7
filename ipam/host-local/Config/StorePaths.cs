using System.Globalization;
using CniPlugins.HostLocal.Disk;
using CniPlugins.Types;

namespace CniPlugins.HostLocal.Config;

/// <summary>
/// Where a network's reservations live, <c>&lt;dataDir&gt;/&lt;network&gt;</c>, and the rule that nothing in the config
/// can point it elsewhere: the network name must be one path component, and dataDir may not climb with "..".
/// </summary>
internal static class StorePaths
{
    public static void Validate(string network, string dataDir)
    {
        if (network.Length == 0 || network is "." or ".." || network.Contains('/') || network.Contains('\0'))
        {
            throw CniException.InvalidConfig($"invalid network name \"{network}\": it must be a single path component");
        }

        if (dataDir.Contains('\0') || dataDir.Split('/').Any(part => part == ".."))
        {
            throw CniException.InvalidConfig($"invalid dataDir \"{dataDir}\": it must not contain \"..\"");
        }
    }

    public static string NetworkDir(string dataDir, string network) => Path.Join(dataDir, network);

    /// <summary>
    /// The network's index directory under <paramref name="indexDir"/>: <c>&lt;hash of the absolute dataDir&gt;-&lt;network&gt;</c>,
    /// since two dataDirs may hold networks of the same name.
    /// </summary>
    public static string IndexDir(string indexDir, string dataDir, string network)
    {
        string absolute = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
        return Path.Join(indexDir, Fnv64.Hash(absolute).ToString("x16", CultureInfo.InvariantCulture) + "-" + network);
    }
}
