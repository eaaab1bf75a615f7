using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>
/// The keys every plugin configuration shares (SPEC.md §1). Plugins derive their own config from this and
/// deserialize it with their own source-generated context.
/// </summary>
public class NetConf
{
    [JsonPropertyName("cniVersion")]
    public string? CniVersion { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    [JsonPropertyName("capabilities")]
    public Dictionary<string, bool>? Capabilities { get; set; }

    [JsonPropertyName("ipam")]
    public IpamConf? Ipam { get; set; }

    [JsonPropertyName("dns")]
    public Dns? Dns { get; set; }

    /// <summary>The previous plugin's result, kept raw until a plugin needs it typed (<see cref="ResultJson.Parse(JsonElement, string)"/>).</summary>
    [JsonPropertyName("prevResult")]
    public JsonElement? PrevResult { get; set; }

    /// <summary>GC: the attachments that are still in use (spec 1.1.0).</summary>
    [JsonPropertyName("cni.dev/valid-attachments")]
    public List<GcAttachment>? ValidAttachments { get; set; }

    /// <summary>GC: the key an early 1.1.0 library sent instead; read when the spec's key is absent.</summary>
    [JsonPropertyName("cni.dev/attachments")]
    public List<GcAttachment>? LegacyAttachments { get; set; }

    /// <summary>The IPAM plugin to delegate to; null for an L2-only network (no ipam, or an empty type).</summary>
    [JsonIgnore]
    public string? IpamType => string.IsNullOrEmpty(Ipam?.Type) ? null : Ipam.Type;

    [JsonIgnore]
    public string EffectiveVersion => string.IsNullOrEmpty(CniVersion) ? Types.CniVersion.Default : CniVersion;

    /// <summary>The still-valid attachments of a GC request, from either key; null when the runtime sent neither.</summary>
    [JsonIgnore]
    public List<GcAttachment>? GcValidAttachments => ValidAttachments ?? LegacyAttachments;

    /// <summary>
    /// Reads a plugin's config with its source-generated metadata, as Go's decoder reads it (null members absent);
    /// malformed JSON is a decoding error (code 6), and a name or version other than the one the skeleton validated
    /// is refused (code 7).
    /// </summary>
    public static T Parse<T>(byte[] stdin, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : NetConf
    {
        T conf;
        try
        {
            conf = JsonSerializer.Deserialize(JsonNulls.DropNullMembers(stdin), typeInfo)
                ?? throw CniException.InvalidConfig("failed to load netconf: the configuration is null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that UTF-16 cannot hold (a lone surrogate).
            throw new CniException(ErrorCode.DecodingFailure, $"failed to load netconf: {e.Message}", inner: e);
        }

        ConfigHeader.RequireSame(stdin, conf.Name, conf.CniVersion);
        return conf;
    }

    /// <summary>The typed prevResult, or null when there is none.</summary>
    public Result? ParsePrevResult() =>
        PrevResult is { ValueKind: JsonValueKind.Object } prev ? ResultJson.Parse(prev, EffectiveVersion) : null;
}

public sealed class IpamConf
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }
}

public sealed class GcAttachment
{
    [JsonPropertyName("containerID")]
    public string ContainerId { get; set; } = "";

    [JsonPropertyName("ifname")]
    public string IfName { get; set; } = "";
}
