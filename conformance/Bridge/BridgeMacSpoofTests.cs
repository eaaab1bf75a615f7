using System.Text.RegularExpressions;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>macspoofchk: the reference's nftables bridge-family rules, and frames from a forged MAC dropped.</summary>
public sealed partial class BridgeMacSpoofTests
{
    [Fact]
    public void Rules_match_the_reference_and_go_with_del()
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        var (a, b) = (ours.NewContainer(), theirs.NewContainer());
        const string extra = "\"isGateway\":true,\"macspoofchk\":true";
        Assert.True(ours.Add(a, ours.Conf("1.0.0", extra)).Success);
        Assert.True(theirs.Add(b, theirs.Conf("1.0.0", extra)).Success);

        string Ruleset(BridgeLab lab) => Random().Replace(lab.Host.Exec("nft", "list", "ruleset").EnsureSuccess("nft").Stdout, "<random>");
        Assert.Equal(Ruleset(theirs), Ruleset(ours));
        Assert.Contains("cni-br-iface-c1-eth0-mac", Ruleset(ours));

        // A container that forges its source MAC no longer reaches the gateway.
        Assert.True(a.Ping("10.88.0.1"));
        a.Ip("link", "set", "eth0", "address", "02:00:00:00:00:99").EnsureSuccess("forge mac");
        Assert.True(a.CannotPing("10.88.0.1"));

        Assert.True(ours.Run(CniCall.Add("c1", a.Path).As("DEL"), ours.Conf("1.0.0", extra)).Success);
        Assert.DoesNotContain("cni-br-iface-c1", ours.Host.Exec("nft", "list", "ruleset").Stdout);
    }

    [GeneratedRegex("veth[0-9a-f]{8}|([0-9a-f]{2}:){5}[0-9a-f]{2}")]
    private static partial Regex Random();
}
