using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// Reads and writes results in the shape of a given spec version, converting as the spec and the reference
/// library do (1.x ↔ 0.3/0.4 lossless but for interface mtu/socketPath/pciID; to 0.1/0.2 keeps the first address of
/// each family and needs at least one).
/// </summary>
public static class ResultJson
{
    /// <summary>Serializes <paramref name="result"/> in the shape of <paramref name="version"/>, indented like the reference.</summary>
    public static byte[] Serialize(Result result, string version) =>
        CniVersion.IsSupported(version)
            ? ResultWriter.Write(result, version)
            : throw new CniException(ErrorCode.IncompatibleCniVersion, "unsupported CNI result version", version);

    /// <summary>Parses a result written in the shape of <paramref name="version"/> into the newest shape.</summary>
    public static Result Parse(ReadOnlySpan<byte> json, string version)
    {
        try
        {
            return ResultReader.Read(json, version);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that UTF-16 cannot hold (a lone surrogate).
            throw new CniException(ErrorCode.DecodingFailure, $"failed to parse result of version {version}: {e.Message}", inner: e);
        }
    }
}
