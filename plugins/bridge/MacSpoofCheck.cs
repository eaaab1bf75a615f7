using System.Text;
using CniPlugins.Firewall;

namespace CniPlugins.Bridge;

/// <summary>
/// MAC spoof protection of a bridge port, as the reference's pkg/link/spoofcheck.go: in nftables table
/// <c>bridge nat</c>, base chain <c>PREROUTING</c> jumps frames arriving from the host veth to a per-attachment
/// chain that lets only the container's own source MAC through. One <c>nft -f -</c> transaction per verb.
/// </summary>
internal static class MacSpoofCheck
{
    private const string Table = "nat";
    private const string BaseChain = "PREROUTING";

    public static void Setup(string hostVeth, string containerMac, string containerId, string ifName)
    {
        ScriptInput.Interface(hostVeth);
        string id = UniqueId(containerId, ifName);
        string iface = IfaceChain(id), mac = MacChain(id), comment = Comment(id);
        var batch = new StringBuilder()
            .AppendLine($"add table bridge {Table}")
            .AppendLine($"add chain bridge {Table} {BaseChain} {{ type filter hook prerouting priority -300; policy accept; }}")
            .AppendLine($"add chain bridge {Table} {iface}")
            .AppendLine($"add chain bridge {Table} {mac}")
            .AppendLine($"add rule bridge {Table} {iface} jump {mac} comment \"{comment}\"")
            .AppendLine($"add rule bridge {Table} {mac} ether saddr {containerMac} return comment \"{comment}\"")
            .AppendLine($"add rule bridge {Table} {mac} drop comment \"{comment}\"")
            .AppendLine($"add rule bridge {Table} {BaseChain} iifname \"{hostVeth}\" jump {iface} comment \"{comment}\"");
        Nft.Apply(batch.ToString(), "set up mac spoof check");
    }

    /// <summary>Removes the attachment's rule and chains; succeeds when they are already gone.</summary>
    public static void Teardown(string containerId, string ifName)
    {
        string id = UniqueId(containerId, ifName);
        var batch = new StringBuilder();
        foreach (string handle in Nft.HandlesByComment("bridge", Table, BaseChain, Comment(id)))
        {
            batch.AppendLine($"delete rule bridge {Table} {BaseChain} handle {handle}");
        }

        var present = new[] { IfaceChain(id), MacChain(id) }.Where(c => Nft.ListChain("bridge", Table, c) is not null).ToList();
        foreach (string chain in present)
        {
            batch.AppendLine($"flush chain bridge {Table} {chain}");
        }

        foreach (string chain in present)
        {
            batch.AppendLine($"delete chain bridge {Table} {chain}");
        }

        if (batch.Length > 0)
        {
            Nft.Apply(batch.ToString(), "tear down mac spoof check");
        }
    }

    /// <summary>True when the attachment's rules are in place.</summary>
    public static bool IsSetUp(string containerId, string ifName) =>
        Nft.ListChain("bridge", Table, MacChain(UniqueId(containerId, ifName))) is not null;

    /// <summary>Every verb names its chains and comment through here, so the identifiers are checked once for all.</summary>
    private static string UniqueId(string containerId, string ifName)
    {
        ScriptInput.ContainerId(containerId);
        ScriptInput.Interface(ifName);
        return $"{containerId}-{ifName}";
    }

    private static string IfaceChain(string id) => $"cni-br-iface-{id}";

    private static string MacChain(string id) => $"cni-br-iface-{id}-mac";

    private static string Comment(string id) => $"macspoofchk-{id}";
}
