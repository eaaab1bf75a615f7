using System.Text.Json;
using CniPlugins.Types;

namespace CniPlugins.Skel;

/// <summary>
/// The two keys the skeleton needs before handing the config to a plugin, read with a bare reader so that the
/// checks that fail fast pay for no serializer.
/// </summary>
internal readonly record struct ConfigHeader(string? CniVersion, string Name)
{
    public static ConfigHeader Read(ReadOnlySpan<byte> json)
    {
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
                bool isVersion = reader.ValueTextEquals("cniVersion"u8);
                bool isName = reader.ValueTextEquals("name"u8);
                reader.Read();
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
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" (line {line + 1}, byte {e.BytePositionInLine})" : "";
            throw new CniException(ErrorCode.DecodingFailure, $"error unmarshall network config: {FirstSentence(e.Message)}{where}");
        }

        return new ConfigHeader(version, name);
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
