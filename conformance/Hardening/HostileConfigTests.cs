using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Hardening;

/// <summary>
/// Configs written to get past validation: a key given twice in different case, text that is not UTF-8, null for
/// a typed key. The value the skeleton validates must be the value the plugin uses, as in the reference (Go's
/// decoder: keys match case-insensitively and the last spelling wins; null leaves a field as it was).
/// </summary>
public sealed class HostileConfigTests
{
    /// <summary>A network name that, unescaped in an iptables-restore batch, adds DROP rules to the filter table.</summary>
    private const string Injection = "x\\nCOMMIT\\n*filter\\n-A INPUT -j DROP\\nCOMMIT\\n*nat\\n#";

    public static TheoryData<string> Plugins => new() { "loopback", "bridge", "macvlan", "host-local" };

    [Fact]
    public void A_second_spelling_of_name_cannot_smuggle_rules_past_validation()
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        string Conf(BridgeLab lab) => lab.Conf("1.0.0", $"\"NAME\":\"{Injection}\",\"isGateway\":true,\"ipMasq\":true");
        var a = ours.Add(ours.NewContainer(), Conf(ours));
        var b = theirs.Add(theirs.NewContainer(), Conf(theirs));

        Assert.Equal(7, b.ErrorCode);
        Assert.True(a.ErrorCode == 7, a.ToString());
        Assert.Contains("network name", a.ErrorMessage);
        Assert.DoesNotContain("DROP", ours.Host.Exec("iptables-save", "-t", "filter").EnsureSuccess("iptables-save").Stdout);
        Assert.Empty(ours.NatRules());
        Assert.Empty(BridgeLab.Links(ours.Host));
        Assert.Empty(ours.ReservedIps());
    }

    [Fact]
    public void The_last_spelling_of_name_wins_as_in_the_reference()
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        string Conf(BridgeLab lab) => $$"""{"NAME":"{{Injection}}",{{lab.Conf("1.0.0", "\"isGateway\":true,\"ipMasq\":true")[1..]}}""";
        var a = ours.Add(ours.NewContainer(), Conf(ours));
        var b = theirs.Add(theirs.NewContainer(), Conf(theirs));

        Assert.True(b.Success, b.ToString());
        Assert.True(a.Success, a.ToString());
        Assert.Equal(theirs.NatRules(), ours.NatRules());
        Assert.Contains(ours.NatRules(), r => r.Contains($"name: \\\"{BridgeLab.NetName}\\\""));
        Assert.Single(ours.ReservedIps());
    }

    [Theory]
    [MemberData(nameof(Plugins))]
    public void Every_plugin_refuses_the_smuggled_name_before_touching_anything(string plugin)
    {
        // The plugin runs in a host namespace of the test's own: should the refusal ever break, whatever it makes
        // (a bridge, a macvlan on "lo") is made there, never in the machine's namespace.
        using var host = new TestNetns("host");
        using var ctr = new TestNetns("ctr", loopbackUp: false);
        string dataDir = Directory.CreateTempSubdirectory("cnit-hostile-").FullName;
        try
        {
            string conf = $$$"""{"cniVersion":"1.0.0","name":"ok","type":"{{{plugin}}}","master":"lo","NAME":"{{{Injection}}}","ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"{{{dataDir}}}","indexDir":"{{{dataDir}}}/.index"}}""";
            var a = Plugin.Exec(Paths.Ours(plugin), CniCall.Add("c1", ctr.Path), conf, host);
            Assert.True(a.ErrorCode == 7, $"{plugin}: {a}");
            Assert.Empty(Directory.GetFileSystemEntries(dataDir));
            Assert.Empty(BridgeLab.Links(host));
            Assert.DoesNotContain("state UP", ctr.Ip("link", "show", "lo").Stdout);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Plugins))]
    public void A_config_that_is_not_utf8_is_a_decoding_error(string plugin)
    {
        using var host = new TestNetns("host");
        using var ctr = new TestNetns("ctr", loopbackUp: false);
        byte[] conf = [.. """{"cniVersion":"1.0.0","name":"ok","type":"x"""u8, 0xff, 0xfe, .. "\"}"u8];
        foreach (string command in new[] { "ADD", "DEL", "CHECK" })
        {
            var a = Plugin.Exec(Paths.Ours(plugin), CniCall.Add("c1", ctr.Path).As(command), conf, host);
            Assert.True(a.ErrorCode == 6, $"{plugin} {command}: {a}");
            Assert.Contains("UTF-8", a.ErrorMessage);
        }

        Assert.DoesNotContain("state UP", ctr.Ip("link", "show", "lo").Stdout);
        Assert.Empty(BridgeLab.Links(host));
    }

    [Theory]
    [MemberData(nameof(Plugins))]
    public void An_escaped_lone_surrogate_is_a_decoding_error(string plugin)
    {
        using var host = new TestNetns("host");
        using var ctr = new TestNetns("ctr", loopbackUp: false);
        foreach (string conf in new[]
        {
            """{"cniVersion":"1.0.0","name":"\ud800","type":"x"}""",
            """{"cniVersion":"1.0.0","name":"ok","type":"\udc00","ipam":{"type":"host-local","subnet":"\ud800"}}""",
        })
        {
            var a = Plugin.Exec(Paths.Ours(plugin), CniCall.Add("c1", ctr.Path), conf, host);
            Assert.True(a.ErrorCode == 6, $"{plugin} {conf}: {a}");
        }

        Assert.Empty(BridgeLab.Links(host));
    }

    [Fact]
    public void A_prevResult_address_that_is_missing_is_a_decoding_error()
    {
        using var ctr = new TestNetns("ctr");
        string dataDir = Directory.CreateTempSubdirectory("cnit-hostile-").FullName;
        try
        {
            string conf = $$$"""{"cniVersion":"1.0.0","name":"ok","type":"host-local","ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"{{{dataDir}}}","indexDir":"{{{dataDir}}}/.index"},"prevResult":{"cniVersion":"1.0.0","ips":[{"interface":0}]}}""";
            var a = Plugin.Exec(Paths.Ours("host-local"), CniCall.Add("c1", ctr.Path).As("CHECK"), conf);
            Assert.True(a.ErrorCode == 6, a.ToString());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public void Null_for_a_typed_key_keeps_its_default_as_in_the_reference()
    {
        using var ours = new BridgeLab(ours: true);
        using var theirs = new BridgeLab(ours: false);
        const string extra = "\"isGateway\":null,\"ipMasq\":null,\"mtu\":null,\"hairpinMode\":null,\"preserveDefaultVlan\":null,\"bridge\":null,\"dns\":null";
        var (ca, cb) = (ours.NewContainer(), theirs.NewContainer());
        var a = ours.Add(ca, ours.Conf("1.0.0", extra, ipamExtra: ",\"routes\":null,\"resolvConf\":null"));
        var b = theirs.Add(cb, theirs.Conf("1.0.0", extra, ipamExtra: ",\"routes\":null,\"resolvConf\":null"));

        Assert.True(b.Success, b.ToString());
        Assert.True(a.Success, a.ToString());
        Assert.Equal(Normalize(b.Stdout, cb), Normalize(a.Stdout, ca));
        // "bridge": null is the default bridge name, which the lab's config set first.
        Assert.NotNull(BridgeLab.Link(ours.Host, "cnitbr0"));
        Assert.Empty(BridgeLab.Addresses(ours.Host, "cnitbr0"));
    }

    private static string Normalize(string result, TestNetns ns) =>
        ResultNormalizer.Normalize(result.Replace(ns.Path, "<netns>"), "1.0.0", "mac", "name");
}
