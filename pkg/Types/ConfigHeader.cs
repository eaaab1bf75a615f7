using System.Text.Json;
using System.Text.Unicode;
namespace CniPlugins.Types;

/// <summary>
/// The two keys the skeleton needs before handing the config to a plugin, read with a bare reader so that the
/// checks that fail fast pay for no serializer. Keys match as the plugins' own config readers match them (and as
/// Go's encoding/json does): case-insensitively, the last of several spellings winning, null counting as absent.
/// The skeleton validates what this reads; every typed config is checked against it (<see cref="RequireSame"/>),
/// so the name that is validated is the name that is used.
/// </summary>
public readonly record struct ConfigHeader(string? CniVersion, string Name)
{
    public static ConfigHeader Read(ReadOnlySpan<byte> json)
    {
        RequireUtf8(json);
        string? version = null;
        string name = "";
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("network config is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                bool isVersion = key.Equals("cniVersion", StringComparison.OrdinalIgnoreCase);
                bool isName = key.Equals("name", StringComparison.OrdinalIgnoreCase);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (isVersion)
                {
                    version = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw new JsonException("cniVersion must be a string");
                }
                else if (isName)
                {
                    name = reader.TokenType == JsonTokenType.String
                        ? reader.GetString() ?? ""
                        : throw new JsonException("name must be a string");
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new JsonException("unexpected data after the network config object");
            }
        }
        catch (InvalidOperationException e)
        {
            // A string that UTF-8 allows but UTF-16 cannot hold: an escaped lone surrogate ("\ud800").
            throw new CniException(ErrorCode.DecodingFailure, $"error unmarshall network config: {e.Message}");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" (line {line + 1}, byte {e.BytePositionInLine})" : "";
            throw new CniException(ErrorCode.DecodingFailure, $"error unmarshall network config: {FirstSentence(e.Message)}{where}", inner: e);
        }

        return new ConfigHeader(version, name);
    }

    /// <summary>
    /// Refuses a config that is not UTF-8 before any part of it is read: the reader would otherwise fail only when a
    /// bad string is decoded, and not as a JSON error.
    /// </summary>
    /// <summary>
    /// Refuses a typed reading of <paramref name="json"/> that found another name or version than the header did:
    /// the two readers disagree on which of several spellings of a key wins, and a value that was not validated
    /// must not be used.
    /// </summary>
    public static void RequireSame(ReadOnlySpan<byte> json, string? name, string? cniVersion)
    {
        var header = Read(json);
        if (header.Name != (name ?? "") || (header.CniVersion ?? "") != (cniVersion ?? ""))
        {
            throw CniException.InvalidConfig("the network name or cniVersion is given more than once, in spellings that differ",
                "give each key once, spelled as the CNI specification spells it");
        }
    }

    private static void RequireUtf8(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json))
        {
            return;
        }

        int offset = 0;
        while (System.Text.Rune.DecodeFromUtf8(json[offset..], out _, out int consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        throw new CniException(ErrorCode.DecodingFailure,
            $"error unmarshall network config: the config is not valid UTF-8 (byte {offset})");
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
