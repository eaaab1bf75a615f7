using System.Text;
using CniPlugins.Utils;

namespace CniPlugins.Firewall;

/// <summary>The reference's names and comments for per-attachment rules (pkg/utils/utils.go), so either suite can remove the other's.</summary>
public static class ChainNames
{
    /// <summary>"CNI-" and the first 24 hex digits of sha512(network + containerID).</summary>
    public static string MasqChain(string network, string containerId) => Hash("CNI-", network + containerId, 28);

    /// <summary><c>name: "net" id: "cid"</c>, Go's %q quoting.</summary>
    public static string MasqComment(string network, string containerId) => $"name: {GoQuote(network)} id: {GoQuote(containerId)}";

    /// <summary>The first <paramref name="length"/> characters of prefix + lower-case hex sha512(value).</summary>
    public static string Hash(string prefix, string value, int length)
    {
        byte[] digest = Sha512.Hash(Encoding.UTF8.GetBytes(value));
        return (prefix + Convert.ToHexString(digest).ToLowerInvariant())[..length];
    }

    private static string GoQuote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
