using CniPlugins.Netlink;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>
/// The MAC a container interface is created with (bridge, macvlan). Later sources win, as in the reference:
/// <c>runtimeConfig.mac</c> &gt; <c>args.cni.mac</c> &gt; CNI_ARGS <c>MAC=</c> &gt; the config's <c>mac</c>. An empty
/// value overrides nothing.
/// </summary>
public static class ContainerMac
{
    /// <summary>The CNI_ARGS key, matched case-sensitively like the reference's struct field.</summary>
    private const string CniArgsKey = "MAC";

    /// <summary>The effective MAC, or null to let the kernel pick one.</summary>
    /// <param name="cniArgs">Raw CNI_ARGS; unknown keys are an error unless IgnoreUnknown is set.</param>
    public static byte[]? Resolve(IMacSources conf, string cniArgs)
    {
        string? mac = NullIfEmpty(conf.Mac);
        if (!string.IsNullOrEmpty(cniArgs) && CniArgs.Parse(cniArgs, CniArgsKey).Get(CniArgsKey) is { } fromEnv)
        {
            mac = fromEnv;
        }

        mac = NullIfEmpty(conf.RuntimeConfig?.Mac) ?? NullIfEmpty(conf.Args?.Cni?.Mac) ?? mac;
        if (mac is null)
        {
            return null;
        }

        return MacAddress.TryParse(mac, out byte[] bytes)
            ? bytes
            : throw CniException.InvalidConfig($"invalid args {mac} for MAC addr: address is not of the form aa:bb:cc:dd:ee:ff");
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
