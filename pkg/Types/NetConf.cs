using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// The keys every plugin configuration shares (SPEC.md §1). Plugins derive their own config from this, read their
/// own keys in <see cref="ReadKey"/>, and parse it with <see cref="Parse{T}"/>.
/// </summary>
public class NetConf
{
    public string? CniVersion { get; set; }

    public string Name { get; set; } = "";

    public string Type { get; set; } = "";

    public Dictionary<string, bool>? Capabilities { get; set; }

    public IpamConf? Ipam { get; set; }

    public Dns? Dns { get; set; }

    /// <summary>The previous plugin's result as it was written, kept raw until a plugin needs it typed (<see cref="ParsePrevResult"/>).</summary>
    public ReadOnlyMemory<byte>? PrevResult { get; set; }

    /// <summary>GC: the attachments that are still in use (spec 1.1.0).</summary>
    public List<GcAttachment>? ValidAttachments { get; set; }

    /// <summary>GC: the key an early 1.1.0 library sent instead; read when the spec's key is absent.</summary>
    public List<GcAttachment>? LegacyAttachments { get; set; }

    /// <summary>The IPAM plugin to delegate to; null for an L2-only network (no ipam, or an empty type).</summary>
    public string? IpamType => string.IsNullOrEmpty(Ipam?.Type) ? null : Ipam.Type;

    public string EffectiveVersion => string.IsNullOrEmpty(CniVersion) ? Types.CniVersion.Default : CniVersion;

    /// <summary>The still-valid attachments of a GC request, from either key; null when the runtime sent neither.</summary>
    public List<GcAttachment>? GcValidAttachments => ValidAttachments ?? LegacyAttachments;

    /// <summary>
    /// Reads a plugin's config in one pass of a <see cref="Utf8JsonReader"/>, by the rules of <see cref="JsonRead"/>
    /// (Go's encoding/json: keys in any case, null leaves a key as it was); malformed JSON is a decoding error
    /// (code 6), and a name or version other than the one the skeleton validated is refused (code 7).
    /// </summary>
    public static T Parse<T>(byte[] stdin)
        where T : NetConf, new()
    {
        var conf = new T();
        try
        {
            var r = new Utf8JsonReader(stdin);
            JsonRead.Start(ref r);
            if (JsonRead.IsNull(ref r))
            {
                throw CniException.InvalidConfig("failed to load netconf: the configuration is null");
            }

            JsonRead.Object(ref r, "the network configuration");
            while (JsonRead.NextProperty(ref r, out string key))
            {
                if (!conf.ReadKey(ref r, key.ToLowerInvariant(), stdin))
                {
                    r.Skip();
                }
            }

            JsonRead.End(ref r);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that UTF-16 cannot hold (a lone surrogate).
            throw new CniException(ErrorCode.DecodingFailure, $"failed to load netconf: {e.Message}", inner: e);
        }

        ConfigHeader.RequireSame(stdin, conf.Name, conf.CniVersion);
        return conf;
    }

    /// <summary>
    /// Reads the value of <paramref name="key"/> (lowercased) the reader is on, leaving the reader on its last token;
    /// false for a key this config does not know, which is skipped. An override reads its own keys and hands the
    /// rest to its base.
    /// </summary>
    protected virtual bool ReadKey(ref Utf8JsonReader r, string key, ReadOnlyMemory<byte> json)
    {
        switch (key)
        {
            case "cniversion": CniVersion = JsonRead.Str(ref r, key) ?? CniVersion; return true;
            case "name": Name = JsonRead.Str(ref r, key) ?? Name; return true;
            case "type": Type = JsonRead.Str(ref r, key) ?? Type; return true;
            case "capabilities": Capabilities = JsonRead.IsNull(ref r) ? Capabilities : ReadCapabilities(ref r); return true;
            case "ipam": Ipam = JsonRead.IsNull(ref r) ? Ipam : IpamConf.Read(ref r); return true;
            case "dns": Dns = JsonRead.IsNull(ref r) ? Dns : ResultReader.Dns(ref r); return true;
            case "prevresult": PrevResult = JsonRead.Raw(ref r, json) ?? PrevResult; return true;
            case "cni.dev/valid-attachments": ValidAttachments = JsonRead.List(ref r, key, GcAttachment.Read) ?? ValidAttachments; return true;
            case "cni.dev/attachments": LegacyAttachments = JsonRead.List(ref r, key, GcAttachment.Read) ?? LegacyAttachments; return true;
            default: return false;
        }
    }

    /// <summary>The typed prevResult, or null when there is none (or it is not an object, which no plugin can use).</summary>
    public Result? ParsePrevResult() =>
        PrevResult is { } prev ? ResultJson.Parse(prev.Span, EffectiveVersion) : null;

    private static Dictionary<string, bool> ReadCapabilities(ref Utf8JsonReader r)
    {
        var capabilities = new Dictionary<string, bool>(StringComparer.Ordinal);
        JsonRead.Object(ref r, "capabilities");
        while (JsonRead.NextProperty(ref r, out string name))
        {
            if (JsonRead.Bool(ref r, name) is bool on)
            {
                capabilities[name] = on;
            }
        }

        return capabilities;
    }
}

public sealed class IpamConf
{
    public string? Type { get; set; }

    internal static IpamConf Read(ref Utf8JsonReader r) => new() { Type = JsonRead.StrUnder(ref r, "ipam", "type") };
}

public sealed class GcAttachment
{
    public string ContainerId { get; set; } = "";

    public string IfName { get; set; } = "";

    public static GcAttachment Read(ref Utf8JsonReader r)
    {
        var a = new GcAttachment();
        JsonRead.Object(ref r, "an attachment");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "containerid": a.ContainerId = JsonRead.Str(ref r, key) ?? a.ContainerId; break;
                case "ifname": a.IfName = JsonRead.Str(ref r, key) ?? a.IfName; break;
                default: r.Skip(); break;
            }
        }

        return a;
    }
}
