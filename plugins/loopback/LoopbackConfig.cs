using System.Text.Json.Serialization;
using CniPlugins.Types;

namespace CniPlugins.Loopback;

/// <summary>loopback has no keys of its own; only the shared ones (prevResult) matter.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(NetConf))]
internal sealed partial class LoopbackJsonContext : JsonSerializerContext
{
}
