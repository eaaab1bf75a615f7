using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>A rule as <c>nft -a list chain</c> prints it: its handle, its comment (null when none) and its text.</summary>
public sealed record NftRule(string Handle, string? Comment, string Text);

/// <summary>
/// nft for every plugin: one <c>nft -f -</c> transaction per verb, and one chain listed when a verb must find
/// its rules (by comment: nft deletes by handle).
/// </summary>
public static class Nft
{
    public static bool Available() => FirewallTool.Exists("nft");

    /// <summary>Applies one transaction; a failure is a CNI error whose details are what nft printed.</summary>
    public static void Apply(string batch, string what)
    {
        var (code, output) = FirewallTool.Run("nft", ["-f", "-"], batch);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to {what}: nft exited with {code}", FirewallTool.Details(output));
        }
    }

    /// <summary>
    /// The rules of one chain with their handles, or null when the chain (or its table) does not exist: nft
    /// cannot tell that from other failures by its exit code, and a listing is a probe whose failure means the
    /// same to every caller (nothing of theirs is there).
    /// </summary>
    public static List<NftRule>? ListChain(string family, string table, string chain)
    {
        var (code, text) = FirewallTool.Run("nft", ["-a", "list", "chain", family, table, chain]);
        return code != 0 ? null : Parse(text).GetValueOrDefault(chain) ?? [];
    }

    /// <summary>
    /// Every chain of one (small, plugin-owned) table with its rules, or null when the table does not exist: one
    /// exec where a verb needs several chains of it.
    /// </summary>
    public static Dictionary<string, List<NftRule>>? ListTable(string family, string table)
    {
        var (code, text) = FirewallTool.Run("nft", ["-a", "list", "table", family, table]);
        return code != 0 ? null : Parse(text);
    }

    /// <summary>Rules by chain, from <c>nft -a list</c> output: a <c>chain NAME {</c> line opens each chain.</summary>
    private static Dictionary<string, List<NftRule>> Parse(string text)
    {
        var chains = new Dictionary<string, List<NftRule>>(StringComparer.Ordinal);
        List<NftRule>? current = null;
        foreach (string line in text.Split('\n'))
        {
            int h = line.LastIndexOf(" # handle ", StringComparison.Ordinal);
            string body = h < 0 ? "" : line[..h].Trim();
            if (body.StartsWith("chain ", StringComparison.Ordinal))
            {
                string name = body[6..].TrimEnd('{', ' ');
                chains[name] = current = [];
            }
            else if (h >= 0 && body.Length > 0 && !body.StartsWith("table ", StringComparison.Ordinal) && current is not null)
            {
                current.Add(new NftRule(line[(h + 10)..].Trim(), CommentOf(body), body));
            }
        }

        return chains;
    }

    /// <summary>The handles of the chain's rules whose comment is exactly <paramref name="comment"/>; none when the chain is absent.</summary>
    public static IEnumerable<string> HandlesByComment(string family, string table, string chain, string comment) =>
        (ListChain(family, table, chain) ?? []).Where(r => r.Comment == comment).Select(r => r.Handle);

    /// <summary>A rule's comment: nft prints <c>comment "text"</c> last; the layer's comments hold no '"'.</summary>
    private static string? CommentOf(string body)
    {
        int c = body.LastIndexOf(" comment \"", StringComparison.Ordinal);
        if (c < 0 || !body.EndsWith('"'))
        {
            return null;
        }

        return body[(c + 10)..^1];
    }
}
