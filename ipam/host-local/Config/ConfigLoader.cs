using System.Net;
using System.Text.Json;
using CniPlugins.HostLocal.Allocator;
using CniPlugins.Ip;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.HostLocal.Config;

/// <summary>
/// Reads and validates the config like the reference's LoadIPAMConfig, with its messages. Invalid config is
/// code 7 and bad CNI_ARGS code 4 (the reference reports everything as 999).
/// </summary>
internal static class ConfigLoader
{
    public static IpamConfig Load(byte[] stdin, string cniArgs)
    {
        NetJson net;
        try
        {
            net = ConfigReader.Read(stdin);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that UTF-16 cannot hold (a lone surrogate).
            throw new CniException(ErrorCode.DecodingFailure, $"failed to parse network configuration: {FirstSentence(e.Message)}", inner: e);
        }

        ConfigHeader.RequireSame(stdin, net.Name, net.CniVersion);
        var ipam = net.Ipam ?? throw CniException.InvalidConfig("IPAM config missing 'ipam' key");
        var requested = new List<IPAddress>();
        requested.AddRange(ParseEnvIps(cniArgs));
        foreach (string s in (IEnumerable<string>?)net.Args?.Cni?.Ips ?? [])
        {
            requested.Add(ParseIpOrCidr(s) ?? throw CniException.InvalidConfig($"invalid IP address: {s}"));
        }

        foreach (string s in (IEnumerable<string>?)net.RuntimeConfig?.Ips ?? [])
        {
            requested.Add(ParseIpOrCidr(s) ?? throw CniException.InvalidConfig($"invalid IP address: {s}"));
        }

        var rangeSets = new List<List<RangeJson>>();
        rangeSets.AddRange(net.RuntimeConfig?.IpRanges ?? []);
        if (!string.IsNullOrEmpty(ipam.Subnet))
        {
            rangeSets.Add([new RangeJson { Subnet = ipam.Subnet, RangeStart = ipam.RangeStart, RangeEnd = ipam.RangeEnd, Gateway = ipam.Gateway }]);
        }

        rangeSets.AddRange(ipam.Ranges ?? []);
        if (rangeSets.Count == 0 && !string.IsNullOrEmpty(ipam.RangeFromFile))
        {
            rangeSets.Add([ReadRangeFile(ipam.RangeFromFile)]);
        }

        if (rangeSets.Count == 0)
        {
            throw CniException.InvalidConfig("no IP ranges specified");
        }

        var sets = new List<RangeSet>(rangeSets.Count);
        for (int i = 0; i < rangeSets.Count; i++)
        {
            try
            {
                sets.Add(new RangeSet(rangeSets[i].Select(ToRange).ToList()));
            }
            catch (RangeException e)
            {
                throw CniException.InvalidConfig($"invalid range set {i}: {e.Message}", inner: e);
            }
        }

        string version = net.CniVersion ?? "";
        if ((sets.Count(s => s.IsV4) > 1 || sets.Count(s => !s.IsV4) > 1) && !(CniVersion.Compare(version, "0.3.0") >= 0))
        {
            throw CniException.InvalidConfig($"CNI version {version} does not support more than 1 address per family");
        }

        for (int i = 0; i < sets.Count - 1; i++)
        {
            for (int j = i + 1; j < sets.Count; j++)
            {
                if (sets[i].Overlaps(sets[j]))
                {
                    throw CniException.InvalidConfig($"range set {i} overlaps with {j}");
                }
            }
        }

        string name = net.Name ?? "";
        string dataDir = string.IsNullOrEmpty(ipam.DataDir) ? IpamConfig.DefaultDataDir : ipam.DataDir;
        StorePaths.Validate(name, dataDir);
        return new IpamConfig
        {
            Name = name,
            CniVersion = version,
            Ranges = sets,
            Routes = ipam.Routes?.Select(ToRoute).ToList(),
            DataDir = dataDir,
            IndexDir = string.IsNullOrEmpty(ipam.IndexDir) ? IpamConfig.DefaultIndexDir : ipam.IndexDir,
            ResolvConf = string.IsNullOrEmpty(ipam.ResolvConf) ? null : ipam.ResolvConf,
            RequestedIps = requested,
            PrevResult = net.PrevResult,
            ValidAttachments = net.ValidAttachments ?? net.LegacyAttachments,
        };
    }

    /// <summary>CNI_ARGS: only IP is known; it may hold a comma-separated list (one address per family).</summary>
    private static IEnumerable<IPAddress> ParseEnvIps(string cniArgs)
    {
        if (string.IsNullOrEmpty(cniArgs) || CniArgs.Parse(cniArgs, "IP").Get("IP") is not { } value)
        {
            return [];
        }

        var ips = new List<IPAddress>();
        foreach (string part in value.Split(','))
        {
            ips.Add(ParseIpOrCidr(part.Trim()) ?? throw new CniException(ErrorCode.InvalidEnvironmentVariables,
                $"ARGS: error parsing value of pair \"IP={value}\": invalid IP address {part}"));
        }

        return ips;
    }

    /// <summary>"10.1.2.3" or "10.1.2.3/24" (the reference's ip.IP); the prefix is ignored.</summary>
    private static IPAddress? ParseIpOrCidr(string s) =>
        GoIp.TryParse(s, out var ip) ? ip : GoIp.TryParseCidr(s, out var cip, out _) ? cip : null;

    private static Allocator.Range ToRange(RangeJson r)
    {
        IPAddress? subnet = null;
        int prefix = 0;
        if (r.Subnet is not null && !GoIp.TryParseCidr(r.Subnet, out subnet, out prefix))
        {
            throw CniException.InvalidConfig($"invalid CIDR address: {r.Subnet}");
        }

        return Allocator.Range.Canonicalize(subnet, prefix, OptionalIp(r.RangeStart), OptionalIp(r.RangeEnd), OptionalIp(r.Gateway));
    }

    private static IPAddress? OptionalIp(string? s) =>
        string.IsNullOrEmpty(s) ? null : GoIp.TryParse(s, out var ip) ? ip : throw CniException.InvalidConfig($"invalid IP address: {s}");

    private static Route ToRoute(RouteJson r)
    {
        if (!GoIp.TryParseCidr(r.Dst, out var dst, out int prefix))
        {
            throw CniException.InvalidConfig($"invalid CIDR address: {r.Dst}");
        }

        return new Route
        {
            Dst = new CidrAddress(dst, prefix),
            Gw = OptionalIp(r.Gw),
            Mtu = r.Mtu,
            AdvMss = r.AdvMss,
            Priority = r.Priority,
            Table = r.Table,
            Scope = r.Scope,
        };
    }

    private static RangeJson ReadRangeFile(string path)
    {
        try
        {
            var r = ConfigReader.ReadRange(File.ReadAllBytes(path));
            return r is { Subnet.Length: > 0 } ? r : throw CniException.InvalidConfig($"failed to parse rangeFromFile \"{path}\" as a Range");
        }
        catch (JsonException e)
        {
            throw CniException.InvalidConfig($"err: {FirstSentence(e.Message)}, failed to parse rangeFromFile \"{path}\" as a Range", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CniException.InvalidConfig($"failed to read rangeFromFile \"{path}\": {e.Message}", inner: e);
        }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
