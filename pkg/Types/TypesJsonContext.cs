using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>
/// Source-generated JSON for reading results of every version (prevResult, IPAM output). Writing goes through
/// <see cref="ResultWriter"/>.
/// </summary>
[JsonSourceGenerationOptions(Converters = [typeof(CidrAddressConverter), typeof(IPAddressConverter)])]
[JsonSerializable(typeof(Result))]
[JsonSerializable(typeof(Result04))]
[JsonSerializable(typeof(Result020))]
internal sealed partial class TypesJsonContext : JsonSerializerContext
{
}
