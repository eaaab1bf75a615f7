using System.Text.Json;
using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>Source-generated metadata for the raw JSON values the core passes through untouched.</summary>
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class JsonContext : JsonSerializerContext
{
}
