using System.Net;
using CniPlugins.Skel;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>The skeleton in-process: validation order, codes and messages as the reference skeleton's, dispatch and output.</summary>
public sealed class PluginMainTests
{
    private static readonly CniCommands s_commands = new()
    {
        Add = args => new Result
        {
            Interfaces = [new Interface { Name = args.IfName, Sandbox = args.Netns }],
            Ips = [new IPConfig { Interface = 0, Address = CidrAddress.Parse("10.0.0.2/24"), Gateway = IPAddress.Parse("10.0.0.1") }],
        },
        Del = args => throw new InvalidOperationException("boom"),
        Check = args => ReadTheStore(),
    };

    /// <summary>A verb failing the usual way: a CniException wrapping the exception that caused it.</summary>
    private static void ReadTheStore()
    {
        try
        {
            throw new IOException("disk gone");
        }
        catch (IOException e)
        {
            throw new CniException(ErrorCode.IoFailure, "failed to read the store", inner: e);
        }
    }

    private static (int Code, FakeHost Host) Run(string stdin, params (string Key, string Value)[] env)
    {
        var vars = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = "ADD",
            ["CNI_CONTAINERID"] = "c1",
            ["CNI_NETNS"] = "/nonexistent/netns",
            ["CNI_IFNAME"] = "eth0",
            ["CNI_PATH"] = "/opt/cni/bin",
        };
        foreach (var (k, v) in env)
        {
            if (v is null)
            {
                vars.Remove(k);
            }
            else
            {
                vars[k] = v;
            }
        }

        var host = new FakeHost(vars, stdin);
        return (PluginMain.Run("test", s_commands, [], host), host);
    }

    private const string Conf = """{"cniVersion":"1.0.0","name":"net1","type":"test"}""";

    [Fact]
    public void Version_is_one_line_with_every_version()
    {
        var (code, host) = Run("ignored", ("CNI_COMMAND", "VERSION"));
        Assert.Equal(0, code);
        Assert.Equal("""{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""" + "\n", host.Stdout);
    }

    [Fact]
    public void Without_a_command_the_about_text_goes_to_stderr()
    {
        var (code, host) = Run("", ("CNI_COMMAND", ""));
        Assert.Equal(0, code);
        Assert.Equal("", host.Stdout);
        Assert.StartsWith("CNI test plugin v", host.Stderr);
    }

    [Fact]
    public void Add_prints_the_result_in_the_config_version()
    {
        var (code, host) = Run(Conf.Replace("1.0.0", "0.4.0"));
        Assert.Equal(0, code);
        Assert.Contains("\"cniVersion\": \"0.4.0\"", host.Stdout);
        Assert.Contains("\"version\": \"4\"", host.Stdout);
    }

    public static TheoryData<string, string, string?, int, string> Errors => new()
    {
        { "unknown command", Conf, "CNI_COMMAND=FOO", 4, "unknown CNI_COMMAND: FOO" },
        { "missing env", Conf, "CNI_CONTAINERID=|CNI_IFNAME=", 4, "required env variables [CNI_CONTAINERID,CNI_IFNAME] missing" },
        { "bad json", "{\"cniVersion\":", null, 6, "error unmarshall network config" },
        { "missing name", """{"cniVersion":"1.0.0"}""", null, 7, "missing network name" },
        { "invalid name", """{"cniVersion":"1.0.0","name":"a b"}""", null, 7, "invalid characters found in network name" },
        { "unsupported version", """{"cniVersion":"2.0.0","name":"n"}""", null, 1, "incompatible CNI versions" },
        { "check before 0.4.0", Conf.Replace("1.0.0", "0.3.1"), "CNI_COMMAND=CHECK", 1, "config version does not allow CHECK" },
        { "gc before 1.1.0", Conf, "CNI_COMMAND=GC", 1, "config version does not allow GC" },
        { "status before 1.1.0", Conf, "CNI_COMMAND=STATUS", 1, "config version does not allow STATUS" },
        { "bad container id", Conf, "CNI_CONTAINERID=-x", 4, "invalid characters in containerID" },
        { "ifname too long", Conf, "CNI_IFNAME=abcdefghijklmnop", 4, "interface name is too long" },
        { "ifname dots", Conf, "CNI_IFNAME=..", 4, "interface name is . or .." },
        { "ifname slash", Conf, "CNI_IFNAME=a/b", 4, "interface name contains / or : or whitespace characters" },
        { "plain exception", Conf, "CNI_COMMAND=DEL", 999, "boom" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Errors_have_the_reference_codes_and_messages(string what, string stdin, string? env, int expectedCode, string message)
    {
        var pairs = (env ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).Select(p => (p[0], p[1].Length == 0 ? null! : p[1])).ToArray();
        var (code, host) = Run(stdin, pairs);
        Assert.Equal(1, code);
        var json = System.Text.Json.Nodes.JsonNode.Parse(host.Stdout)!;
        // The case's name goes into the failure message, so a failing row says which case it is.
        Assert.True(expectedCode == (int)json["code"]!, $"{what}: code {json["code"]}, expected {expectedCode}; {host.Stdout}");
        Assert.True(((string)json["msg"]!).StartsWith(message, StringComparison.Ordinal), $"{what}: \"{json["msg"]}\" does not start with \"{message}\"");
        Assert.StartsWith("{\n    \"code\": ", host.Stdout, StringComparison.Ordinal); // indented like the reference
    }

    [Fact]
    public void Debug_prints_the_whole_exception_chain_to_stderr()
    {
        var (code, host) = Run(Conf, ("CNI_COMMAND", "CHECK"), ("CNI_PLUGINS_DEBUG", "1"));
        Assert.Equal(1, code);
        Assert.Equal(5, (int)System.Text.Json.Nodes.JsonNode.Parse(host.Stdout)!["code"]!);
        Assert.StartsWith("CniPlugins.Types.CniException: failed to read the store\n", host.Stderr, StringComparison.Ordinal);
        Assert.Contains("\ncaused by: System.IO.IOException: disk gone\n", host.Stderr, StringComparison.Ordinal);
        Assert.Contains(nameof(ReadTheStore), host.Stderr, StringComparison.Ordinal); // stack traces, where the runtime has them
    }

    [Fact]
    public void Debug_prints_unexpected_exceptions_too_and_nothing_without_it()
    {
        var (_, host) = Run(Conf, ("CNI_COMMAND", "DEL"), ("CNI_PLUGINS_DEBUG", "1"));
        Assert.StartsWith("System.InvalidOperationException: boom\n", host.Stderr, StringComparison.Ordinal);
        (_, host) = Run(Conf, ("CNI_COMMAND", "CHECK"));
        Assert.Equal("", host.Stderr);
    }

    [Fact]
    public void Unsupported_version_details_list_what_is_supported()
    {
        var (_, host) = Run("""{"cniVersion":"2.0.0","name":"n"}""");
        Assert.Contains("""config is \"2.0.0\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]""", host.Stdout);
    }

    [Fact]
    public void Gc_and_status_need_only_cni_path()
    {
        string conf = Conf.Replace("1.0.0", "1.1.0");
        var (code, host) = Run(conf, ("CNI_COMMAND", "GC"), ("CNI_CONTAINERID", null!), ("CNI_IFNAME", null!), ("CNI_NETNS", null!));
        Assert.Equal(0, code);
        Assert.Equal("", host.Stdout);
        (code, host) = Run(conf, ("CNI_COMMAND", "STATUS"), ("CNI_PATH", null!));
        Assert.Equal(4, (int)System.Text.Json.Nodes.JsonNode.Parse(host.Stdout)!["code"]!);
    }

    [Fact]
    public void The_prebuilt_version_answer_lists_exactly_the_supported_versions()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Encoding.UTF8.GetString(PluginOutput.VersionJson))!;
        Assert.Equal(CniVersion.Current, (string?)json["cniVersion"]);
        Assert.Equal(CniVersion.All, json["supportedVersions"]!.AsArray().Select(v => (string?)v));
    }
}
