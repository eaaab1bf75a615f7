using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>
/// The keys of a network whose containers join a Linux bridge through a veth pair (bridge, vxlan), with the
/// reference bridge plugin's names and defaults; each plugin adds its own, its bridge's default name included.
/// </summary>
public abstract class BridgedNetConf : NetConf, IMacSources
{
    [JsonPropertyName("isGateway")]
    public bool IsGateway { get; set; }

    [JsonPropertyName("isDefaultGateway")]
    public bool IsDefaultGateway { get; set; }

    [JsonPropertyName("ipMasq")]
    public bool IpMasq { get; set; }

    [JsonPropertyName("ipMasqBackend")]
    public string? IpMasqBackend { get; set; }

    [JsonPropertyName("mtu")]
    public int Mtu { get; set; }

    [JsonPropertyName("hairpinMode")]
    public bool HairpinMode { get; set; }

    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    [JsonPropertyName("runtimeConfig")]
    public MacRuntimeConfig? RuntimeConfig { get; set; }

    [JsonPropertyName("args")]
    public MacArgs? Args { get; set; }

    /// <summary>Config dns wins over IPAM's when any of its fields is set, as in the reference.</summary>
    [JsonIgnore]
    public bool HasDns => Dns is { } d && (d.Nameservers is not null || d.Search is not null || d.Options is not null || !string.IsNullOrEmpty(d.Domain));
}
