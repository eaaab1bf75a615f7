using System.Text.Json.Serialization;
using CniPlugins.Netlink;
using CniPlugins.Skel;

namespace CniPlugins.Types;

/// <summary>
/// Where a container interface's MAC comes from (bridge, macvlan): the config's <c>mac</c>, CNI_ARGS <c>MAC=</c>,
/// <c>args.cni.mac</c> and <c>runtimeConfig.mac</c> (the <c>mac</c> capability), later ones winning as in the
/// reference: runtimeConfig &gt; args.cni.mac &gt; CNI_ARGS &gt; config.
/// </summary>
public static class MacConfig
{
    /// <summary>The CNI_ARGS key, matched case-sensitively like the reference's struct field.</summary>
    public const string CniArgsKey = "MAC";

    /// <summary>The MAC to use, or null to let the kernel pick one.</summary>
    /// <param name="cniArgs">Raw CNI_ARGS; unknown keys are an error unless IgnoreUnknown is set.</param>
    public static string? Resolve(string? configMac, string cniArgs, MacArgs? args, MacRuntimeConfig? runtimeConfig)
    {
        string? mac = NullIfEmpty(configMac);
        if (!string.IsNullOrEmpty(cniArgs) && CniArgs.Parse(cniArgs, CniArgsKey).Get(CniArgsKey) is { } fromEnv)
        {
            mac = fromEnv;
        }

        mac = NullIfEmpty(args?.Cni?.Mac) ?? mac;
        return NullIfEmpty(runtimeConfig?.Mac) ?? mac;
    }

    /// <summary>Parses a resolved MAC; a malformed one is invalid configuration.</summary>
    public static byte[] Parse(string mac)
    {
        if (!MacAddress.TryParse(mac, out byte[] bytes))
        {
            throw CniException.InvalidConfig($"invalid args {mac} for MAC addr: address is not of the form aa:bb:cc:dd:ee:ff");
        }

        return bytes;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary><c>runtimeConfig</c> as far as the <c>mac</c> capability goes.</summary>
public sealed class MacRuntimeConfig
{
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }
}

/// <summary><c>args</c> as far as <c>args.cni.mac</c> goes.</summary>
public sealed class MacArgs
{
    [JsonPropertyName("cni")]
    public MacArgsCni? Cni { get; set; }
}

public sealed class MacArgsCni
{
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }
}
