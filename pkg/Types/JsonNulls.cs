using System.Buffers;
using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// Go's encoding/json leaves a field as it was when the config gives it <c>null</c> ("isGateway": null keeps the
/// default), while System.Text.Json refuses null for a bool or an int. Object members whose value is null are
/// therefore dropped before a typed parse, which makes them absent, as they are to the reference.
/// </summary>
public static class JsonNulls
{
    /// <summary><paramref name="json"/> itself when no object member is null, else a copy without those members.</summary>
    public static byte[] DropNullMembers(byte[] json)
    {
        return HasNullMember(json) ? Rewrite(json) : json;
    }

    private static bool HasNullMember(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        bool afterName = false;
        while (reader.Read())
        {
            if (afterName && reader.TokenType == JsonTokenType.Null)
            {
                return true;
            }

            afterName = reader.TokenType == JsonTokenType.PropertyName;
        }

        return false;
    }

    private static byte[] Rewrite(ReadOnlySpan<byte> json)
    {
        var output = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        string name = reader.GetString()!;
                        if (reader.Read() && reader.TokenType == JsonTokenType.Null)
                        {
                            continue;
                        }

                        writer.WritePropertyName(name);
                        WriteToken(writer, ref reader, json);
                        break;
                    default:
                        WriteToken(writer, ref reader, json);
                        break;
                }
            }
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteToken(Utf8JsonWriter writer, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            default:
                // Strings, numbers, true, false, null: their text as it stands, escapes and all.
                int start = (int)reader.TokenStartIndex;
                writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
                break;
        }
    }
}
