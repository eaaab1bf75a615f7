using System.Text;
using CniPlugins.Bridge;
using CniPlugins.Firewall;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// Identifiers that would change the meaning of an iptables-restore or nft script are refused by the firewall layer
/// itself, before any tool runs; comments are cut at the tools' limits in bytes and read back as the kernel keeps them.
/// </summary>
public sealed class FirewallScriptInputTests
{
    private static readonly CidrAddress[] Ips = [CidrAddress.Parse("10.88.0.2/24")];

    public static TheoryData<string> Unwritable => ["net\n-A POSTROUTING -j ACCEPT", "net\"x", "net\\x", "net\rx", "net\u007fx", "net\u0001x"];

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Masquerade_refuses_an_unwritable_network_name_before_running_anything(string network)
    {
        foreach (var backend in new[] { MasqBackend.IpTables, MasqBackend.NfTables })
        {
            AssertRefused(ErrorCode.InvalidNetworkConfig, () => IpMasq.Setup(backend, network, "c1", "eth0", Ips));
            AssertRefused(ErrorCode.InvalidNetworkConfig, () => IpMasq.Check(backend, network, "c1", "eth0", Ips));
        }

        AssertRefused(ErrorCode.InvalidNetworkConfig, () => IpMasq.Teardown(network, "c1", "eth0", Ips));
        AssertRefused(ErrorCode.InvalidNetworkConfig, () => IpMasq.Gc(network, [("c1", "eth0")]));
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Per_attachment_rules_refuse_an_unwritable_container_id_or_interface(string bad)
    {
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => IpMasq.Setup(MasqBackend.IpTables, "net", bad, "eth0", Ips));
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => IpMasq.Setup(MasqBackend.NfTables, "net", "c1", bad, Ips));
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => MacSpoofCheck.Setup("veth1", "0a:58:0a:58:00:02", bad, "eth0"));
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => MacSpoofCheck.Setup("veth1", "0a:58:0a:58:00:02", "c1", bad));
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => MacSpoofCheck.Setup(bad, "0a:58:0a:58:00:02", "c1", "eth0"));
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => MacSpoofCheck.Teardown(bad, "eth0"));
        AssertRefused(ErrorCode.InvalidEnvironmentVariables, () => MacSpoofCheck.IsSetUp("c1", bad));
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    [InlineData("cs+")]
    [InlineData("c+s")]
    public void Isolation_refuses_bridge_names_it_cannot_match_exactly(string bridge)
    {
        AssertRefused(ErrorCode.InvalidNetworkConfig, () => BridgeIsolation.Ensure(bridge));
        AssertRefused(ErrorCode.InvalidNetworkConfig, () => BridgeIsolation.Remove(bridge));
        AssertRefused(ErrorCode.InvalidNetworkConfig, () => BridgeIsolation.Check(bridge));
    }

    [Fact]
    public void The_refusal_names_the_character_on_one_printable_line()
    {
        var e = Assert.Throws<CniException>(() => ScriptInput.Network("a\nb"));
        Assert.Contains("newline", e.Message);
        Assert.Contains("a\\x0ab", e.Details);
        Assert.DoesNotContain('\n', e.Message + e.Details);
    }

    [Theory]
    [InlineData("brnet")]
    [InlineData("net-1_x.y")]
    [InlineData("réseau")]
    public void Ordinary_names_pass(string name)
    {
        ScriptInput.Attachment(name, name, "eth0");
        ScriptInput.MatchedBridge("cni0");
    }

    [Fact]
    public void Comments_are_cut_at_the_tools_limits_in_bytes_without_splitting_a_character()
    {
        string longId = new('a', 1200);
        string comment = ChainNames.MasqComment("brnet", longId);
        Assert.Equal(ChainNames.IpTablesCommentMax, Encoding.UTF8.GetByteCount(comment));
        Assert.StartsWith("name: \"brnet\" id: \"aaaa", comment);
        Assert.Equal("name: \"brnet\" id: \"c1\"", ChainNames.MasqComment("brnet", "c1"));

        // 'é' is two bytes: 200 of them are 400 bytes, and a cut at 255 keeps 127 whole ones.
        string cut = ChainNames.Cut(new string('é', 200), ChainNames.IpTablesCommentMax);
        Assert.Equal(127, cut.Length);
        Assert.Equal(254, Encoding.UTF8.GetByteCount(cut));
        Assert.Equal("😀", ChainNames.Cut("😀😀", 7)); // a surrogate pair is one 4-byte character
    }

    [Theory]
    [InlineData("-s 10.88.0.2/32 -m comment --comment \"name: \\\"brnet\\\" id: \\\"c1\\\"\" -j CNI-abc", "name: \"brnet\" id: \"c1\"", "CNI-abc")]
    [InlineData("-m comment --comment \"it\\'s\" -j MASQUERADE", "it's", "MASQUERADE")]
    [InlineData("-m comment --comment plain -j ACCEPT", "plain", "ACCEPT")]
    [InlineData("-j CNI-ISOLATION-STAGE-1", null, "CNI-ISOLATION-STAGE-1")]
    [InlineData("-d 10.0.0.0/8", null, null)]
    public void Saved_rules_give_back_their_comment_and_target(string rule, string? comment, string? target)
    {
        Assert.Equal(comment, IpTables.CommentOf(rule));
        Assert.Equal(target, IpTables.TargetOf(rule));
        if (comment is not null && rule.Contains('"'))
        {
            Assert.Contains($"--comment {IpTables.Quote(comment)} ", rule); // what we write is what iptables-save prints
        }
    }

    /// <summary>The call fails with the code and no firewall program was started (or would have been) on this thread.</summary>
    private static void AssertRefused(int code, Action call)
    {
        var runs = new List<string>();
        FirewallTool.Intercepted = runs;
        try
        {
            var e = Assert.Throws<CniException>(call);
            Assert.Equal(code, e.Code);
            Assert.Empty(runs);
        }
        finally
        {
            FirewallTool.Intercepted = null;
        }
    }
}
