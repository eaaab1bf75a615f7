using System.Net;
using System.Text.Json.Serialization;

namespace CniPlugins.Types;

// The result shapes of older spec versions. They exist only at the JSON boundary: ResultJson converts
// between them and Result.

/// <summary>Spec 0.3.0, 0.3.1 and 0.4.0: ips carry "version", interfaces only name/mac/sandbox.</summary>
internal sealed class Result04
{
    [JsonPropertyName("cniVersion")]
    public string CniVersion { get; set; } = "0.4.0";

    [JsonPropertyName("interfaces")]
    public List<Interface04>? Interfaces { get; set; }

    [JsonPropertyName("ips")]
    public List<IPConfig04>? Ips { get; set; }

    [JsonPropertyName("routes")]
    public List<Route>? Routes { get; set; }

    [JsonPropertyName("dns")]
    public Dns? Dns { get; set; }
}

internal sealed class Interface04
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    [JsonPropertyName("sandbox")]
    public string? Sandbox { get; set; }
}

internal sealed class IPConfig04
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("interface")]
    public int? Interface { get; set; }

    // Required: an absent CIDR has no value to stand for, and would surface later as a null address.
    [JsonRequired]
    [JsonPropertyName("address")]
    public CidrAddress Address { get; set; }

    [JsonPropertyName("gateway")]
    public IPAddress? Gateway { get; set; }
}

/// <summary>Spec 0.1.0 and 0.2.0: one IPv4 and one IPv6 configuration.</summary>
internal sealed class Result020
{
    [JsonPropertyName("cniVersion")]
    public string CniVersion { get; set; } = "0.2.0";

    [JsonPropertyName("ip4")]
    public IPConfig020? Ip4 { get; set; }

    [JsonPropertyName("ip6")]
    public IPConfig020? Ip6 { get; set; }

    [JsonPropertyName("dns")]
    public Dns? Dns { get; set; }
}

internal sealed class IPConfig020
{
    // Required: an absent CIDR has no value to stand for, and would surface later as a null address.
    [JsonRequired]
    [JsonPropertyName("ip")]
    public CidrAddress Ip { get; set; }

    [JsonPropertyName("gateway")]
    public IPAddress? Gateway { get; set; }

    [JsonPropertyName("routes")]
    public List<Route020>? Routes { get; set; }
}

internal sealed class Route020
{
    // Required: an absent CIDR has no value to stand for, and would surface later as a null address.
    [JsonRequired]
    [JsonPropertyName("dst")]
    public CidrAddress Dst { get; set; }

    [JsonPropertyName("gw")]
    public IPAddress? Gw { get; set; }
}
