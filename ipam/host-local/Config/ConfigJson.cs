using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniPlugins.HostLocal.Config;

// The wire shape of the config. Addresses stay strings here so that a malformed one gets the reference's message
// ("invalid CIDR address: …") from ConfigLoader rather than a serializer's. Keys match case-insensitively, as
// Go's encoding/json does.

internal sealed class NetJson
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("cniVersion")]
    public string? CniVersion { get; set; }

    [JsonPropertyName("ipam")]
    public IpamJson? Ipam { get; set; }

    [JsonPropertyName("runtimeConfig")]
    public RuntimeConfigJson? RuntimeConfig { get; set; }

    [JsonPropertyName("args")]
    public ArgsJson? Args { get; set; }

    [JsonPropertyName("prevResult")]
    public JsonElement? PrevResult { get; set; }

    [JsonPropertyName("cni.dev/valid-attachments")]
    public List<AttachmentJson>? ValidAttachments { get; set; }

    [JsonPropertyName("cni.dev/attachments")]
    public List<AttachmentJson>? LegacyAttachments { get; set; }
}

internal sealed class IpamJson
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("subnet")]
    public string? Subnet { get; set; }

    [JsonPropertyName("rangeStart")]
    public string? RangeStart { get; set; }

    [JsonPropertyName("rangeEnd")]
    public string? RangeEnd { get; set; }

    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }

    [JsonPropertyName("routes")]
    public List<RouteJson>? Routes { get; set; }

    [JsonPropertyName("dataDir")]
    public string? DataDir { get; set; }

    [JsonPropertyName("resolvConf")]
    public string? ResolvConf { get; set; }

    [JsonPropertyName("ranges")]
    public List<List<RangeJson>>? Ranges { get; set; }

    [JsonPropertyName("rangeFromFile")]
    public string? RangeFromFile { get; set; }
}

internal sealed class RangeJson
{
    [JsonPropertyName("subnet")]
    public string? Subnet { get; set; }

    [JsonPropertyName("rangeStart")]
    public string? RangeStart { get; set; }

    [JsonPropertyName("rangeEnd")]
    public string? RangeEnd { get; set; }

    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

internal sealed class RouteJson
{
    [JsonPropertyName("dst")]
    public string? Dst { get; set; }

    [JsonPropertyName("gw")]
    public string? Gw { get; set; }

    [JsonPropertyName("mtu")]
    public int Mtu { get; set; }

    [JsonPropertyName("advmss")]
    public int AdvMss { get; set; }

    [JsonPropertyName("priority")]
    public int Priority { get; set; }

    [JsonPropertyName("table")]
    public int? Table { get; set; }

    [JsonPropertyName("scope")]
    public int? Scope { get; set; }
}

internal sealed class RuntimeConfigJson
{
    [JsonPropertyName("ipRanges")]
    public List<List<RangeJson>>? IpRanges { get; set; }

    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }
}

internal sealed class ArgsJson
{
    [JsonPropertyName("cni")]
    public CniArgsJson? Cni { get; set; }
}

internal sealed class CniArgsJson
{
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }
}

internal sealed class AttachmentJson
{
    [JsonPropertyName("containerID")]
    public string? ContainerId { get; set; }

    [JsonPropertyName("ifname")]
    public string? IfName { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, AllowTrailingCommas = false)]
[JsonSerializable(typeof(NetJson))]
[JsonSerializable(typeof(RangeJson))]
internal sealed partial class HostLocalJsonContext : JsonSerializerContext
{
}
