using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniPlugins.OverlayAgent;

/// <summary>
/// The value of <c>&lt;prefix&gt;/&lt;network&gt;/subnets/&lt;subnet&gt;</c>: who holds the subnet and how to reach it.
/// The VTEP MAC is derived from the underlay address (the l3 device's MAC), published for people and tools.
/// </summary>
internal sealed class NodeRecord
{
    [JsonPropertyName("node")]
    public string Node { get; set; } = "";

    [JsonPropertyName("underlay")]
    public string Underlay { get; set; } = "";

    [JsonPropertyName("vtepMac")]
    public string VtepMac { get; set; } = "";

    [JsonPropertyName("subnet")]
    public string Subnet { get; set; } = "";

    [JsonPropertyName("vni")]
    public long Vni { get; set; }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, AgentJsonContext.Default.NodeRecord);

    /// <summary>Null for a value that is not a record (written by something else): it is ignored, not fatal.</summary>
    public static NodeRecord? TryParse(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(value, AgentJsonContext.Default.NodeRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(NodeRecord))]
internal sealed partial class AgentJsonContext : JsonSerializerContext
{
}
