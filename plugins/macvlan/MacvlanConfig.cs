using System.Text.Json.Serialization;
using CniPlugins.Types;

namespace CniPlugins.Macvlan;

/// <summary>The macvlan keys on top of the shared ones; names and defaults are the reference's.</summary>
internal sealed class MacvlanConfig : NetConf, IMacSources
{
    /// <summary>Parent link; empty means the interface of the default route.</summary>
    [JsonPropertyName("master")]
    public string? Master { get; set; }

    [JsonPropertyName("mode")]
    public string? Mode { get; set; }

    /// <summary>0 keeps the kernel's choice (the master's MTU); may not exceed the master's.</summary>
    [JsonPropertyName("mtu")]
    public int Mtu { get; set; }

    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    /// <summary>The master lives in the container's namespace, not the host's.</summary>
    [JsonPropertyName("linkInContainer")]
    public bool LinkInContainer { get; set; }

    /// <summary>IFLA_MACVLAN_BC_QUEUE_LEN; 0 keeps the kernel default.</summary>
    [JsonPropertyName("bcqueuelen")]
    public uint BcQueueLen { get; set; }

    [JsonPropertyName("runtimeConfig")]
    public MacRuntimeConfig? RuntimeConfig { get; set; }

    [JsonPropertyName("args")]
    public MacArgs? Args { get; set; }

    public static MacvlanConfig Parse(byte[] stdin) => Parse(stdin, MacvlanJsonContext.Default.MacvlanConfig);
}

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(CidrAddressConverter), typeof(IPAddressConverter)])]
[JsonSerializable(typeof(MacvlanConfig))]
internal sealed partial class MacvlanJsonContext : JsonSerializerContext
{
}
