using System.Text;
using CniPlugins.Utils;

namespace CniPlugins.Firewall;

/// <summary>The reference's names and comments for per-attachment rules (pkg/utils/utils.go), so either suite can remove the other's.</summary>
public static class ChainNames
{
    /// <summary>The longest comment iptables' comment match keeps, in bytes (XT_MAX_COMMENT_LEN less the NUL).</summary>
    public const int IpTablesCommentMax = 255;

    /// <summary>The longest rule comment nft accepts, in bytes.</summary>
    public const int NftCommentMax = 128;

    /// <summary>"CNI-" and the first 24 hex digits of sha512(network + containerID).</summary>
    public static string MasqChain(string network, string containerId) => Hash("CNI-", network + containerId, 28);

    /// <summary>
    /// <c>name: "net" id: "cid"</c>, Go's %q quoting, cut to what iptables keeps: a long container ID would
    /// otherwise make the comment match refuse the rule. A cut comment alone may name several attachments, so
    /// rules are found by chain and comment together.
    /// </summary>
    public static string MasqComment(string network, string containerId) =>
        Cut(MasqCommentPrefix(network) + GoQuote(containerId)[1..], IpTablesCommentMax);

    /// <summary><c>name: "net" id: "</c>: how every comment of the network's attachments starts, uncut.</summary>
    public static string MasqCommentPrefix(string network) => $"name: {GoQuote(network)} id: \"";

    /// <summary>The first <paramref name="length"/> characters of prefix + lower-case hex sha512(value).</summary>
    public static string Hash(string prefix, string value, int length)
    {
        byte[] digest = Sha512.Hash(Encoding.UTF8.GetBytes(value));
        return (prefix + Convert.ToHexString(digest).ToLowerInvariant())[..length];
    }

    /// <summary>
    /// The longest prefix of <paramref name="text"/> of at most <paramref name="maxBytes"/> UTF-8 bytes that does
    /// not split a character: the tools count bytes, and a split character would not read back the same.
    /// </summary>
    public static string Cut(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        int bytes = 0, end = 0;
        while (end < text.Length)
        {
            int step = char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(text.AsSpan(end, step));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            end += step;
        }

        return text[..end];
    }

    private static string GoQuote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
