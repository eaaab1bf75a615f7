using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// The one gate for identifiers that reach an iptables-restore or nft script. Both tools read text: a newline ends
/// a rule and starts another, a double quote or backslash changes where a string ends, other control characters
/// cannot be printed back the same. The layer cannot represent such names exactly, so it refuses them before any
/// tool runs, whatever validated them upstream. Config-derived names (network, bridge) fail with code 7, names
/// from the runtime's environment (container ID, interface) with code 4.
/// </summary>
public static class ScriptInput
{
    public static void Network(string name) => Ensure(name, "network name", ErrorCode.InvalidNetworkConfig);

    /// <summary>Any other config value that is written into a rule (a chain name, a match condition): code 7.</summary>
    public static void Name(string value, string what) => Ensure(value, what, ErrorCode.InvalidNetworkConfig);

    public static void ContainerId(string id) => Ensure(id, "container ID", ErrorCode.InvalidEnvironmentVariables);

    public static void Interface(string ifName) => Ensure(ifName, "interface name", ErrorCode.InvalidEnvironmentVariables);

    /// <summary>
    /// A bridge name used in an iptables interface match (<c>-i</c>/<c>-o</c>), where a trailing <c>+</c> is a
    /// wildcard: <c>-o br+</c> would match every <c>br*</c> interface. The kernel and the reference accept '+' in
    /// bridge names, so only the firewall refuses it, where it is involved (isolation).
    /// </summary>
    public static void MatchedBridge(string name)
    {
        Ensure(name, "bridge name", ErrorCode.InvalidNetworkConfig);
        if (name.Contains('+'))
        {
            throw CniException.InvalidConfig($"invalid bridge name \"{name}\" in a firewall rule",
                "'+' is a wildcard in iptables interface matches; choose a bridge name without it");
        }
    }

    /// <summary>The attachment's three identifiers, as every per-attachment script builder takes them.</summary>
    public static void Attachment(string network, string containerId, string ifName)
    {
        Network(network);
        ContainerId(containerId);
        Interface(ifName);
    }

    private static void Ensure(string value, string what, int code)
    {
        foreach (char c in value)
        {
            if (c < 0x20 || c == 0x7f || c is '"' or '\\')
            {
                throw new CniException(code, $"invalid {what} for firewall rules: it holds {Describe(c)}",
                    $"{what} {Printable(value)}: control characters, '\"' and '\\' cannot be written into iptables or nft rules");
            }
        }
    }

    private static string Describe(char c) => c switch
    {
        '"' => "a double quote",
        '\\' => "a backslash",
        '\n' => "a newline",
        _ => $"the control character 0x{(int)c:x2}",
    };

    /// <summary>The value with control characters shown as \xNN, so the message itself stays one clean line.</summary>
    private static string Printable(string value) =>
        string.Concat(value.Select(c => c < 0x20 || c == 0x7f ? $"\\x{(int)c:x2}" : c.ToString()));
}
