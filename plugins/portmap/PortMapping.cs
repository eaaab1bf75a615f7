using System.Net;
using System.Text.Json.Serialization;

namespace CniPlugins.Portmap;

/// <summary>One <c>runtimeConfig.portMappings</c> entry (CONVENTIONS.md), as Docker's <c>-p [hostIP:]hostPort:containerPort[/protocol]</c>.</summary>
internal sealed class PortMapping
{
    [JsonPropertyName("hostPort")]
    public int HostPort { get; set; }

    [JsonPropertyName("containerPort")]
    public int ContainerPort { get; set; }

    [JsonPropertyName("protocol")]
    public string? Protocol { get; set; }

    [JsonPropertyName("hostIP")]
    public string? HostIP { get; set; }

    /// <summary>The protocol in lower case, tcp when unset; valid after <see cref="PortmapConfig"/> validation.</summary>
    [JsonIgnore]
    public string Proto { get; internal set; } = "tcp";

    /// <summary>The host address the mapping is bound to; null when any (unset, 0.0.0.0 or ::).</summary>
    [JsonIgnore]
    public IPAddress? BoundIP { get; internal set; }

    /// <summary>The family of hostIP when one is given (unspecified included), else null: the mapping then applies to both.</summary>
    [JsonIgnore]
    public bool? HostIsV6 { get; internal set; }

    /// <summary>Whether the mapping applies to the container's address of this family.</summary>
    public bool AppliesTo(bool v6) => HostIsV6 is null || HostIsV6 == v6;
}
