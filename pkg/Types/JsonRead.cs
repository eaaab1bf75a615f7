using System.Net;
using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// The steps of a hand-written, one-pass <see cref="Utf8JsonReader"/> parser, for the JSON a plugin reads on every
/// run (host-local's config, results): a serializer context would do the same, but building its metadata, and the
/// static storage of every type that metadata names, is a large part of a plugin that lives two milliseconds.
/// The parsers built from these follow Go's encoding/json, which the reference uses: keys match case-insensitively
/// (callers switch on the lowercased key), the last of several spellings wins, unknown keys are skipped, and null
/// leaves a string or number as it was (and empties a list or object).
/// </summary>
public static class JsonRead
{
    /// <summary>Reads one value the reader is on, leaving the reader on its last token.</summary>
    public delegate T ItemReader<T>(ref Utf8JsonReader r);

    /// <summary>Steps onto the top-level value; an empty input is malformed.</summary>
    public static void Start(ref Utf8JsonReader r) => r.Read();

    /// <summary>Nothing but whitespace may follow the top-level value, as with JsonDocument.Parse.</summary>
    public static void End(ref Utf8JsonReader r) => r.Read();

    public static void Object(ref Utf8JsonReader r, string name)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{name} must be an object, not {Kind(ref r)}");
        }
    }

    /// <summary>
    /// Steps to the next key of the object being read and onto its value, which the caller then consumes; false at
    /// the closing brace.
    /// </summary>
    public static bool NextProperty(ref Utf8JsonReader r, out string key)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject)
        {
            key = "";
            return false;
        }

        key = r.GetString()!;
        r.Read();
        return true;
    }

    /// <summary>
    /// The string under <paramref name="key"/> (lowercase; matched as every reader here matches keys, lowercased) of
    /// the object the reader is on, the last spelling winning and every other key skipped; null when it has none.
    /// </summary>
    public static string? StrUnder(ref Utf8JsonReader r, string name, string key)
    {
        string? value = null;
        Object(ref r, name);
        while (NextProperty(ref r, out string k))
        {
            if (k.ToLowerInvariant() == key)
            {
                value = Str(ref r, k) ?? value;
            }
            else
            {
                r.Skip();
            }
        }

        return value;
    }

    /// <summary>An array of items read by <paramref name="item"/>; null for a JSON null.</summary>
    public static List<T>? List<T>(ref Utf8JsonReader r, string name, ItemReader<T> item)
    {
        if (IsNull(ref r))
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"\"{name}\" must be an array, not {Kind(ref r)}");
        }

        var list = new List<T>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            list.Add(item(ref r));
        }

        return list;
    }

    /// <summary>
    /// The raw text of the object the reader is on, for a part that only one verb parses (CHECK's prevResult);
    /// null for anything but an object, which that verb ignores.
    /// </summary>
    public static ReadOnlyMemory<byte>? Raw(ref Utf8JsonReader r, ReadOnlyMemory<byte> json)
    {
        bool isObject = r.TokenType == JsonTokenType.StartObject;
        int start = (int)r.TokenStartIndex;
        r.Skip();
        return isObject ? json[start..(int)r.BytesConsumed] : (ReadOnlyMemory<byte>?)null;
    }

    public static string? Str(ref Utf8JsonReader r, string name) => r.TokenType switch
    {
        JsonTokenType.String => r.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"\"{name}\" must be a string, not {Kind(ref r)}"),
    };

    public static int? Int(ref Utf8JsonReader r, string name) => r.TokenType switch
    {
        JsonTokenType.Number when r.TryGetInt32(out int n) => n,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"\"{name}\" must be an integer, not {Kind(ref r)}"),
    };

    public static long? Long(ref Utf8JsonReader r, string name) => r.TokenType switch
    {
        JsonTokenType.Number when r.TryGetInt64(out long n) => n,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"\"{name}\" must be an integer, not {Kind(ref r)}"),
    };

    public static uint? UInt(ref Utf8JsonReader r, string name) => r.TokenType switch
    {
        JsonTokenType.Number when r.TryGetUInt32(out uint n) => n,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"\"{name}\" must be an unsigned integer, not {Kind(ref r)}"),
    };

    public static bool? Bool(ref Utf8JsonReader r, string name) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"\"{name}\" must be true or false, not {Kind(ref r)}"),
    };

    /// <summary>A list's string item: a null there is no value a plugin can use.</summary>
    public static string StrItem(ref Utf8JsonReader r, string name) =>
        Str(ref r, name) ?? throw new JsonException($"\"{name}\" holds null");

    /// <summary>"10.1.2.5/24"; null for a JSON null.</summary>
    public static CidrAddress? Cidr(ref Utf8JsonReader r, string name) =>
        Str(ref r, name) is { } s
            ? CidrAddress.TryParse(s, out var value) ? value : throw new JsonException($"invalid CIDR address \"{s}\"")
            : null;

    /// <summary>
    /// A plain address; null for a JSON null or the empty string, which the reference's net.IP reads as absent. A
    /// scoped address ("fe80::1%eth0") is refused: no config or result means one.
    /// </summary>
    public static IPAddress? Ip(ref Utf8JsonReader r, string name) =>
        Str(ref r, name) is not { Length: > 0 } s ? null
        : !s.Contains('%') && IPAddress.TryParse(s, out var ip) ? ip
        : throw new JsonException($"invalid IP address \"{s}\"");

    public static bool IsNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null;

    public static string Kind(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => "null",
    };
}
