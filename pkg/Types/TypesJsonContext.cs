using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>Source-generated JSON for results of every version and the shared config pieces.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    IndentSize = 4,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CidrAddressConverter), typeof(IPAddressConverter)])]
[JsonSerializable(typeof(Result))]
[JsonSerializable(typeof(Result04))]
[JsonSerializable(typeof(Result020))]
[JsonSerializable(typeof(NetConf))]
internal sealed partial class TypesJsonContext : JsonSerializerContext
{
}
