using System.Net;
using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>
/// The success result in its newest shape (spec 1.0.0 and 1.1.0 are identical). Plugins build this one; it is
/// converted to the shape of the config's cniVersion only when printed (see <see cref="ResultJson"/>).
/// </summary>
public sealed class Result
{
    [JsonPropertyName("cniVersion")]
    public string CniVersion { get; set; } = CniPlugins.Types.CniVersion.Current;

    [JsonPropertyName("interfaces")]
    public List<Interface>? Interfaces { get; set; }

    [JsonPropertyName("ips")]
    public List<IPConfig>? Ips { get; set; }

    [JsonPropertyName("routes")]
    public List<Route>? Routes { get; set; }

    [JsonPropertyName("dns")]
    public Dns? Dns { get; set; }
}

public sealed class Interface
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    [JsonPropertyName("mtu")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Mtu { get; set; }

    [JsonPropertyName("sandbox")]
    public string? Sandbox { get; set; }

    [JsonPropertyName("socketPath")]
    public string? SocketPath { get; set; }

    [JsonPropertyName("pciID")]
    public string? PciId { get; set; }
}

public sealed class IPConfig
{
    /// <summary>Index into <see cref="Result.Interfaces"/>; absent in IPAM results.</summary>
    [JsonPropertyName("interface")]
    public int? Interface { get; set; }

    // Required: an absent CIDR has no value to stand for, and would surface later as a null address.
    [JsonRequired]
    [JsonPropertyName("address")]
    public CidrAddress Address { get; set; }

    [JsonPropertyName("gateway")]
    public IPAddress? Gateway { get; set; }
}

public sealed class Route
{
    // Required: an absent CIDR has no value to stand for, and would surface later as a null address.
    [JsonRequired]
    [JsonPropertyName("dst")]
    public CidrAddress Dst { get; set; }

    [JsonPropertyName("gw")]
    public IPAddress? Gw { get; set; }

    [JsonPropertyName("mtu")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Mtu { get; set; }

    [JsonPropertyName("advmss")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AdvMss { get; set; }

    [JsonPropertyName("priority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Priority { get; set; }

    [JsonPropertyName("table")]
    public int? Table { get; set; }

    [JsonPropertyName("scope")]
    public int? Scope { get; set; }
}

public sealed class Dns
{
    [JsonPropertyName("nameservers")]
    public List<string>? Nameservers { get; set; }

    [JsonPropertyName("domain")]
    public string? Domain { get; set; }

    [JsonPropertyName("search")]
    public List<string>? Search { get; set; }

    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }

    [JsonIgnore]
    public bool IsEmpty =>
        (Nameservers is null || Nameservers.Count == 0) && string.IsNullOrEmpty(Domain) &&
        (Search is null || Search.Count == 0) && (Options is null || Options.Count == 0);
}
