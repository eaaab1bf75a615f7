using CniPlugins.Types;

namespace CniPlugins.HostLocal.Config;

// The wire shape of the config, filled by ConfigReader. Addresses stay strings here so that a malformed one gets
// the reference's message ("invalid CIDR address: …") from ConfigLoader rather than a reader's.

internal sealed class NetJson
{
    public string? Name { get; set; }

    public string? CniVersion { get; set; }

    public IpamJson? Ipam { get; set; }

    public RuntimeConfigJson? RuntimeConfig { get; set; }

    public ArgsJson? Args { get; set; }

    /// <summary>The raw prevResult object, parsed by CHECK alone.</summary>
    public ReadOnlyMemory<byte>? PrevResult { get; set; }

    public List<GcAttachment>? ValidAttachments { get; set; }

    public List<GcAttachment>? LegacyAttachments { get; set; }
}

internal sealed class IpamJson
{
    public string? Type { get; set; }

    public string? Subnet { get; set; }

    public string? RangeStart { get; set; }

    public string? RangeEnd { get; set; }

    public string? Gateway { get; set; }

    public List<RouteJson>? Routes { get; set; }

    public string? DataDir { get; set; }

    public string? IndexDir { get; set; }

    public string? ResolvConf { get; set; }

    public List<List<RangeJson>>? Ranges { get; set; }

    public string? RangeFromFile { get; set; }
}

internal sealed class RangeJson
{
    public string? Subnet { get; set; }

    public string? RangeStart { get; set; }

    public string? RangeEnd { get; set; }

    public string? Gateway { get; set; }
}

internal sealed class RouteJson
{
    public string? Dst { get; set; }

    public string? Gw { get; set; }

    public int Mtu { get; set; }

    public int AdvMss { get; set; }

    public int Priority { get; set; }

    public int? Table { get; set; }

    public int? Scope { get; set; }
}

internal sealed class RuntimeConfigJson
{
    public List<List<RangeJson>>? IpRanges { get; set; }

    public List<string>? Ips { get; set; }
}

internal sealed class ArgsJson
{
    public CniArgsJson? Cni { get; set; }
}

internal sealed class CniArgsJson
{
    public List<string>? Ips { get; set; }
}
