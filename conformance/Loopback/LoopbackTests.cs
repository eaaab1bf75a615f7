using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Loopback;

/// <summary>loopback, ours against the reference, every verb and every spec version.</summary>
public sealed class LoopbackTests
{
    private static readonly string Ours = Paths.Ours("loopback");
    private static readonly string Ref = Paths.Reference("loopback");

    /// <summary>Versions the reference 1.1.1 accepts; 1.1.0 is checked against the spec alone.</summary>
    public static TheoryData<string> ReferenceVersions => new() { "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0" };

    public static TheoryData<string> AllVersions => new() { "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };

    private static string Conf(string version) => $$"""{"cniVersion":"{{version}}","name":"lo-net","type":"loopback"}""";

    private static bool IsLoUp(TestNetns ns) =>
        ns.Ip("-o", "link", "show", "lo").EnsureSuccess("ip link show lo").Stdout.Contains("<LOOPBACK,UP,LOWER_UP>");

    [Theory]
    [MemberData(nameof(ReferenceVersions))]
    public void Add_matches_reference_and_brings_lo_up(string version)
    {
        using var ours = new TestNetns("ctr", loopbackUp: false);
        using var theirs = new TestNetns("ctr", loopbackUp: false);

        var a = Plugin.Exec(Ours, CniCall.Add("c1", ours.Path), Conf(version));
        var b = Plugin.Exec(Ref, CniCall.Add("c1", theirs.Path), Conf(version));

        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        Assert.Equal(
            ResultNormalizer.Normalize(b.Stdout.Replace(theirs.Path, "<netns>"), version),
            ResultNormalizer.Normalize(a.Stdout.Replace(ours.Path, "<netns>"), version));
        Assert.True(IsLoUp(ours));
        Assert.Contains("inet 127.0.0.1/8", ours.Ip("addr", "show", "lo").Stdout);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Add_result_has_the_shape_of_the_config_version(string version)
    {
        using var ns = new TestNetns("ctr", loopbackUp: false);
        var a = Plugin.Exec(Ours, CniCall.Add("c1", ns.Path), Conf(version));
        Assert.True(a.Success, a.ToString());
        var json = a.Json!;
        Assert.Equal(version, (string?)json["cniVersion"]);
        if (version is "0.1.0" or "0.2.0")
        {
            Assert.Equal("127.0.0.1/8", (string?)json["ip4"]!["ip"]);
            Assert.Null(json["interfaces"]);
        }
        else
        {
            Assert.Equal("lo", (string?)json["interfaces"]![0]!["name"]);
            Assert.Equal(ns.Path, (string?)json["interfaces"]![0]!["sandbox"]);
            Assert.Equal("127.0.0.1/8", (string?)json["ips"]![0]!["address"]);
            Assert.Equal(0, (int?)json["ips"]![0]!["interface"]);
            Assert.Equal(version.StartsWith("0.", StringComparison.Ordinal) ? "4" : null, (string?)json["ips"]![0]!["version"]);
        }
    }

    [Fact]
    public void Add_without_cniVersion_answers_in_0_1_0_like_the_reference()
    {
        using var ours = new TestNetns("ctr", loopbackUp: false);
        using var theirs = new TestNetns("ctr", loopbackUp: false);
        const string conf = """{"name":"lo-net","type":"loopback"}""";
        var a = Plugin.Exec(Ours, CniCall.Add("c1", ours.Path), conf);
        var b = Plugin.Exec(Ref, CniCall.Add("c1", theirs.Path), conf);
        Assert.Equal(b.Stdout.Replace("    \"dns\": {}\n", "").Replace(",\n}", "\n}"), a.Stdout);
    }

    [Theory]
    [MemberData(nameof(ReferenceVersions))]
    public void Add_with_prevResult_passes_it_through(string version)
    {
        using var ours = new TestNetns("ctr");
        using var theirs = new TestNetns("ctr");
        string prev = version is "0.1.0" or "0.2.0"
            ? $$$"""{"cniVersion":"{{{version}}}","ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1"}}"""
            : $$$"""{"cniVersion":"{{{version}}}","interfaces":[{"name":"eth0","sandbox":"/x"}],"ips":[{"address":"10.0.0.2/24","gateway":"10.0.0.1","interface":0}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.0.0.53"]}}""";
        string conf = $$"""{"cniVersion":"{{version}}","name":"lo-net","type":"loopback","prevResult":{{prev}}}""";
        var a = Plugin.Exec(Ours, CniCall.Add("c1", ours.Path), conf);
        var b = Plugin.Exec(Ref, CniCall.Add("c1", theirs.Path), conf);
        Assert.True(a.Success, a.ToString());
        Assert.Equal(ResultNormalizer.Normalize(b.Stdout, version), ResultNormalizer.Normalize(a.Stdout, version));
        Assert.True(IsLoUp(ours));
    }

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    [InlineData("1.1.0")]
    public void Check_then_del_then_check_again(string version)
    {
        using var ns = new TestNetns("ctr", loopbackUp: false);
        var call = CniCall.Add("c1", ns.Path);
        Assert.True(Plugin.Exec(Ours, call, Conf(version)).Success);
        var check = Plugin.Exec(Ours, call.As("CHECK"), Conf(version));
        Assert.True(check.Success, check.ToString());
        Assert.Equal("", check.Stdout);

        var del = Plugin.Exec(Ours, call.As("DEL"), Conf(version));
        Assert.True(del.Success, del.ToString());
        Assert.Equal("", del.Stdout);
        Assert.False(IsLoUp(ns));

        var again = Plugin.Exec(Ours, call.As("DEL"), Conf(version));
        Assert.True(again.Success, again.ToString());

        var down = Plugin.Exec(Ours, call.As("CHECK"), Conf(version));
        Assert.Equal(999, down.ErrorCode);
        Assert.Equal("loopback interface is down", down.ErrorMessage);
        if (version != "1.1.0")
        {
            var theirs = Plugin.Exec(Ref, call.As("CHECK"), Conf(version));
            Assert.Equal(theirs.ErrorCode, down.ErrorCode);
            Assert.Equal(theirs.ErrorMessage, down.ErrorMessage);
        }
    }

    [Theory]
    [InlineData("/run/netns/does-not-exist-cnit")]
    [InlineData("")]
    public void Del_succeeds_when_the_namespace_is_gone_or_not_given(string netns)
    {
        var call = new CniCall("DEL") { ContainerId = "c1", Netns = netns, IfName = "eth0" };
        var a = Plugin.Exec(Ours, call, Conf("1.0.0"));
        var b = Plugin.Exec(Ref, call, Conf("1.0.0"));
        Assert.True(a.Success, a.ToString());
        Assert.True(b.Success, b.ToString());
        Assert.Equal("", a.Stdout);
    }

    [Fact]
    public void Del_after_the_namespace_was_deleted_succeeds()
    {
        var ns = new TestNetns("ctr");
        var call = CniCall.Add("c1", ns.Path);
        Assert.True(Plugin.Exec(Ours, call, Conf("1.0.0")).Success);
        ns.Dispose();
        var del = Plugin.Exec(Ours, call.As("DEL"), Conf("1.0.0"));
        Assert.True(del.Success, del.ToString());
    }

    [Fact]
    public void Gc_and_status_succeed_with_nothing_to_do()
    {
        using var ns = new TestNetns("ctr");
        const string conf = """{"cniVersion":"1.1.0","name":"lo-net","type":"loopback","cni.dev/valid-attachments":[]}""";
        var gc = Plugin.Exec(Ours, new CniCall("GC"), conf);
        var status = Plugin.Exec(Ours, new CniCall("STATUS"), conf);
        Assert.True(gc.Success, gc.ToString());
        Assert.True(status.Success, status.ToString());
        Assert.Equal("", gc.Stdout + status.Stdout);
    }

    [Fact]
    public void Version_lists_every_spec_version()
    {
        var v = Plugin.Exec(Ours, new CniCall("VERSION"), "");
        Assert.True(v.Success);
        Assert.Equal(
            """{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""" + "\n",
            v.Stdout);
    }

    [Fact]
    public void Without_a_command_it_prints_the_about_text()
    {
        var env = new Dictionary<string, string> { ["CNI_COMMAND"] = "" };
        var o = Shell.Run(Ours, [], "", env);
        Assert.Equal(0, o.ExitCode);
        Assert.Equal("", o.Stdout);
        Assert.StartsWith("CNI loopback plugin v", o.Stderr);
        Assert.Contains("CNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0", o.Stderr);
        Assert.Contains("CNI loopback plugin v", Shell.Run(Ours, ["--version"]).Stdout);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // name, CNI_* overrides as "K=V|K=V" ("-" unsets), config
        { "unknown command", "CNI_COMMAND=FOO", Conf("1.0.0") },
        { "missing env", "CNI_CONTAINERID=-|CNI_NETNS=-|CNI_IFNAME=-|CNI_PATH=-", Conf("1.0.0") },
        { "missing netns", "CNI_NETNS=-", Conf("1.0.0") },
        { "bad json", "", """{"cniVersion":""" },
        { "not an object", "", "[]" },
        { "missing name", "", """{"cniVersion":"1.0.0","type":"loopback"}""" },
        { "invalid name", "", """{"cniVersion":"1.0.0","name":"a/b","type":"loopback"}""" },
        { "unsupported version", "", """{"cniVersion":"9.9.9","name":"n","type":"loopback"}""" },
        { "check on 0.3.1", "CNI_COMMAND=CHECK", Conf("0.3.1") },
        { "bad container id", "CNI_CONTAINERID=a b", Conf("1.0.0") },
        { "container id with slash", "CNI_CONTAINERID=../x", Conf("1.0.0") },
        { "ifname with colon", "CNI_IFNAME=eth0:1", Conf("1.0.0") },
        { "ifname too long", "CNI_IFNAME=abcdefghijklmnop", Conf("1.0.0") },
        { "ifname dot", "CNI_IFNAME=.", Conf("1.0.0") },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_the_reference_error_code_and_changes_nothing(string what, string env, string conf)
    {
        using var ours = new TestNetns("ctr", loopbackUp: false);
        using var theirs = new TestNetns("ctr", loopbackUp: false);
        CniCall Call(TestNetns ns)
        {
            var call = CniCall.Add("c1", ns.Path) with { CniPath = "/opt/none" };
            foreach (string kv in env.Split('|', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] p = kv.Split('=', 2);
                string? v = p[1] == "-" ? null : p[1];
                call = p[0] switch
                {
                    "CNI_COMMAND" => call with { Command = v! },
                    "CNI_CONTAINERID" => call with { ContainerId = v },
                    "CNI_NETNS" => call with { Netns = v },
                    "CNI_IFNAME" => call with { IfName = v },
                    "CNI_PATH" => call with { CniPath = v ?? "" },
                    _ => throw new ArgumentException(p[0]),
                };
            }

            return call;
        }

        var a = Plugin.Exec(Ours, Call(ours), conf);
        var b = Plugin.Exec(Ref, Call(theirs), conf);
        Assert.False(a.Success, $"{what}: {a}");
        Assert.Equal(1, a.ExitCode);
        Assert.True(b.ErrorCode == a.ErrorCode, $"{what}: ours {a}; reference {b}");
        Assert.False(string.IsNullOrWhiteSpace(a.ErrorMessage));
        Assert.False(IsLoUp(ours), $"{what}: the plugin changed the namespace");
    }

    [Theory]
    [InlineData("ADD")]
    [InlineData("DEL")]
    public void The_plugins_own_namespace_is_refused(string command)
    {
        using var host = new TestNetns("host");
        var call = CniCall.Add("c1", host.Path).As(command);
        var a = Plugin.Exec(Ours, call, Conf("1.0.0"), host);
        Assert.Equal(8, a.ErrorCode);
        Assert.True(IsLoUp(host), "the host's lo must be left alone");

        var overridden = Plugin.Exec(Ours, call with { Extra = new() { ["CNI_NETNS_OVERRIDE"] = "1" } }, Conf("1.0.0"), host);
        Assert.True(overridden.Success, overridden.ToString());
    }
}
