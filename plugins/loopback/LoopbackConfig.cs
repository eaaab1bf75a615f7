using System.Text.Json;
using System.Text.Json.Serialization;
using CniPlugins.Types;

namespace CniPlugins.Loopback;

/// <summary>loopback has no keys of its own; only the shared ones (prevResult) matter.</summary>
internal static class LoopbackConfig
{
    public static NetConf Parse(byte[] stdin)
    {
        try
        {
            return JsonSerializer.Deserialize(stdin, LoopbackJsonContext.Default.NetConf)!;
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, $"failed to parse network configuration: {e.Message}");
        }
    }
}

[JsonSerializable(typeof(NetConf))]
internal sealed partial class LoopbackJsonContext : JsonSerializerContext
{
}
