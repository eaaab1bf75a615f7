using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>"10.1.2.5/24" on the wire.</summary>
public sealed class CidrAddressConverter : JsonConverter<CidrAddress>
{
    public override CidrAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? s = reader.GetString();
        return CidrAddress.TryParse(s, out var value) ? value : throw new JsonException($"invalid CIDR address \"{s}\"");
    }

    public override void Write(Utf8JsonWriter writer, CidrAddress value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>A plain address on the wire; the empty string reads as absent, like the reference's net.IP.</summary>
public sealed class IPAddressConverter : JsonConverter<IPAddress?>
{
    public override bool HandleNull => true;

    public override IPAddress? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return reader.TokenType == JsonTokenType.Null ? null : FromWire(reader.GetString());
    }

    /// <summary>The address a JSON string holds: null for null or empty; a scoped address ("fe80::1%eth0") is refused.</summary>
    public static IPAddress? FromWire(string? s) =>
        string.IsNullOrEmpty(s) ? null
        : !s.Contains('%') && IPAddress.TryParse(s, out var ip) ? ip
        : throw new JsonException($"invalid IP address \"{s}\"");

    public override void Write(Utf8JsonWriter writer, IPAddress? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.ToString());
        }
    }
}
