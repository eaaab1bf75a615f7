using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>
/// host-local, ours against the reference: the same ADD/DEL/CHECK sequences on two fresh stores must give the same
/// addresses in the same order, the same result JSON and the same files with the same contents.
/// </summary>
public sealed class HostLocalReferenceTests
{
    public static TheoryData<string> ReferenceVersions => new() { "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0" };

    private const string DualStack =
        """ "ranges":[[{"subnet":"10.10.0.0/28","gateway":"10.10.0.14"},{"subnet":"10.10.1.0/29"}],[{"subnet":"fd00:10::/124","rangeStart":"fd00:10::4"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"fd00::/8","gw":"fd00:10::1"}]""";

    /// <summary>Runs one step on both stores and asserts equal outcome, result and files.</summary>
    private static void Step(HostLocalStore ours, HostLocalStore theirs, string version, string ipam, string command, string id,
        string ifName = "eth0", string? args = null, string extra = "")
    {
        var a = Run(Ours, command, id, ours.Conf(version, ipam, extra), ifName, args);
        var b = Run(Ref, command, id, theirs.Conf(version, ipam, extra), ifName, args);
        string step = $"{command} {id}/{ifName} at {version}";
        Assert.True(a.Success == b.Success, $"{step}: ours {a}, reference {b}");
        if (a.Success && command == "ADD")
        {
            Assert.Equal(ResultNormalizer.Normalize(b.Stdout, version), ResultNormalizer.Normalize(a.Stdout, version));
        }
        else if (!a.Success)
        {
            Assert.Equal(b.ErrorMessage, a.ErrorMessage);
        }

        Assert.Equal(Describe(theirs.Files()), Describe(ours.Files()));
    }

    [Theory]
    [MemberData(nameof(ReferenceVersions))]
    public void Dual_stack_sequence_matches_reference(string version)
    {
        using var ours = new HostLocalStore();
        using var theirs = new HostLocalStore();
        void S(string cmd, string id, string ifName = "eth0") => Step(ours, theirs, version, DualStack, cmd, id, ifName);

        S("ADD", "ctr-a");
        S("ADD", "ctr-b");
        S("ADD", "ctr-a"); // duplicate: same error, nothing written
        S("DEL", "ctr-a");
        S("ADD", "ctr-c");
        S("ADD", "ctr-a", "eth1");
        S("DEL", "ctr-b");
        S("DEL", "ctr-b"); // idempotent
        S("DEL", "never-added");
        S("ADD", "ctr-d");
        Assert.Equal(6, ours.Reservations().Count); // ctr-c, ctr-a/eth1 and ctr-d, one address per family
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.4.0")]
    public void Round_robin_wraps_across_ranges_and_exhausts_like_reference(string version)
    {
        using var ours = new HostLocalStore();
        using var theirs = new HostLocalStore();
        const string ipam = """ "ranges":[[{"subnet":"10.20.0.0/29","rangeStart":"10.20.0.3"},{"subnet":"10.20.1.0/30"}]]""";
        for (int i = 0; i < 8; i++)
        {
            Step(ours, theirs, version, ipam, "ADD", $"c{i}"); // 5 + 1 fit, then "no IP addresses available"
        }

        Step(ours, theirs, version, ipam, "DEL", "c1");
        Step(ours, theirs, version, ipam, "DEL", "c4");
        for (int i = 10; i < 13; i++)
        {
            Step(ours, theirs, version, ipam, "ADD", $"c{i}");
        }
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.3.1")]
    public void Legacy_top_level_range_ipv6_and_dns_match_reference(string version)
    {
        using var ours = new HostLocalStore();
        using var theirs = new HostLocalStore();
        string resolv = Path.Combine(ours.DataDir, "resolv.conf");
        File.WriteAllText(resolv, "# test\nnameserver 10.0.0.53\nnameserver fd00::53\ndomain example.test\nsearch a.test b.test\noptions ndots:2 timeout:1\n");
        string ipam = $$""" "subnet":"2001:db8:5::/64","rangeStart":"2001:db8:5::10","rangeEnd":"2001:db8:5::12","resolvConf":"{{resolv}}","ranges":[[{"subnet":"172.30.0.0/24"}]]""";
        for (int i = 0; i < 4; i++)
        {
            Step(ours, theirs, version, ipam, "ADD", $"v6-{i}");
        }

        Step(ours, theirs, version, ipam, "DEL", "v6-0");
        Step(ours, theirs, version, ipam, "ADD", "v6-9");
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.4.0")]
    public void Requested_addresses_match_reference(string version)
    {
        using var ours = new HostLocalStore();
        using var theirs = new HostLocalStore();
        const string ipam = """ "ranges":[[{"subnet":"10.30.0.0/24"}],[{"subnet":"fd00:30::/64"}]]""";
        Step(ours, theirs, version, ipam, "ADD", "env", args: "IP=10.30.0.77");
        Step(ours, theirs, version, ipam, "ADD", "env2", args: "IP=10.30.0.77"); // taken
        Step(ours, theirs, version, ipam, "ADD", "gw", args: "IP=10.30.0.1"); // the gateway
        Step(ours, theirs, version, ipam, "ADD", "outside", args: "IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.31.0.5");
        Step(ours, theirs, version, ipam, "ADD", "rt", extra: ""","runtimeConfig":{"ips":["10.30.0.90/24","fd00:30::90"]}""");
        Step(ours, theirs, version, ipam, "ADD", "args", extra: ""","args":{"cni":{"ips":["fd00:30::91"]}}""");
        Step(ours, theirs, version, ipam, "ADD", "ranges", extra: ""","runtimeConfig":{"ipRanges":[[{"subnet":"192.168.50.0/24"}]]}""");
        Step(ours, theirs, version, ipam, "DEL", "rt");
        Step(ours, theirs, version, ipam, "ADD", "next");
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet"}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.0/33"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.5/24"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.0/31"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.0/24","rangeStart":"10.1.3.1"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.0/24","rangeEnd":"10.1.3.1"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.0/24","rangeStart":"10.1.2.300"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","subnet":"10.1.2.0/24","rangeStart":"10.1.2.100","rangeEnd":"10.1.2.50"}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","ranges":[[{"subnet":"10.1.2.0/24"}],[{"subnet":"10.1.2.0/25"}]]}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","ranges":[[{"subnet":"10.1.2.0/24"},{"subnet":"10.1.2.0/25"}]]}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","ranges":[[{"subnet":"10.1.2.0/24"},{"subnet":"fd00::/64"}]]}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","ranges":[[]]}}""")]
    [InlineData("""{"cniVersion":"1.0.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","ranges":[[{}]]}}""")]
    [InlineData("""{"cniVersion":"0.2.0","name":"hlnet","ipam":{"type":"host-local","dataDir":"<dir>","ranges":[[{"subnet":"10.1.2.0/24"}],[{"subnet":"10.1.3.0/24"}]]}}""")]
    public void Invalid_config_gives_the_reference_message_and_writes_nothing(string template)
    {
        using var ours = new HostLocalStore();
        using var theirs = new HostLocalStore();
        var a = Run(Ours, "ADD", "bad", template.Replace("<dir>", ours.DataDir));
        var b = Run(Ref, "ADD", "bad", template.Replace("<dir>", theirs.DataDir));
        Assert.False(a.Success, a.ToString());
        Assert.False(b.Success, b.ToString());
        Assert.Equal(b.ErrorMessage, a.ErrorMessage);
        Assert.Empty(ours.Files());
    }

    [Fact]
    public void Check_follows_the_reservation()
    {
        using var ours = new HostLocalStore();
        const string ipam = """ "ranges":[[{"subnet":"10.40.0.0/24"}]]""";
        var add = Run(Ours, "ADD", "chk", ours.Conf("1.0.0", ipam));
        Assert.True(add.Success, add.ToString());
        string prev = $""","prevResult":{add.Stdout}""";
        Assert.True(Run(Ours, "CHECK", "chk", ours.Conf("1.0.0", ipam, prev)).Success);
        Assert.True(Run(Ref, "CHECK", "chk", ours.Conf("1.0.0", ipam, prev)).Success);

        // An address the prevResult claims but the store gives to someone else.
        string forged = prev.Replace("10.40.0.2/24", "10.40.0.9/24");
        var bad = Run(Ours, "CHECK", "chk", ours.Conf("1.0.0", ipam, forged));
        Assert.False(bad.Success);
        Assert.Contains("10.40.0.9", bad.ErrorMessage);

        Assert.True(Run(Ours, "DEL", "chk", ours.Conf("1.0.0", ipam)).Success);
        var gone = Run(Ours, "CHECK", "chk", ours.Conf("1.0.0", ipam, prev));
        var goneRef = Run(Ref, "CHECK", "chk", ours.Conf("1.0.0", ipam));
        Assert.False(gone.Success);
        Assert.Equal(goneRef.ErrorMessage, Run(Ours, "CHECK", "chk", ours.Conf("1.0.0", ipam)).ErrorMessage);
    }

    [Fact]
    public void Result_at_1_1_0_has_the_ipam_shape()
    {
        using var ours = new HostLocalStore();
        var add = Run(Ours, "ADD", "v11", ours.Conf("1.1.0", """ "ranges":[[{"subnet":"10.50.0.0/24"}],[{"subnet":"fd00:50::/64"}]]"""));
        Assert.True(add.Success, add.ToString());
        var json = add.Json!;
        Assert.Equal("1.1.0", (string?)json["cniVersion"]);
        Assert.Null(json["interfaces"]);
        Assert.Equal("10.50.0.2/24", (string?)json["ips"]![0]!["address"]);
        Assert.Equal("10.50.0.1", (string?)json["ips"]![0]!["gateway"]);
        Assert.Null(json["ips"]![0]!["interface"]);
        Assert.Equal("fd00:50::2/64", (string?)json["ips"]![1]!["address"]);
        Assert.Equal("v11\r\neth0", File.ReadAllText(Path.Combine(ours.NetDir, "fd00:50::2")));
    }
}
