using System.Text.RegularExpressions;
using CniPlugins.Ip;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Macvlan.Tests;

/// <summary>The shared pkg pieces macvlan relies on: MAC precedence and temporary link names.</summary>
public sealed partial class MacConfigTests
{
    private const string Conf = "c2:00:00:00:00:01";
    private const string Env = "c2:00:00:00:00:02";
    private const string Args = "c2:00:00:00:00:03";
    private const string Runtime = "c2:00:00:00:00:04";

    private static MacArgs ArgsMac(string mac) => new() { Cni = new MacArgsCni { Mac = mac } };

    [Fact]
    public void Nothing_set_leaves_the_mac_to_the_kernel() =>
        Assert.Null(MacConfig.Resolve(null, "", null, null));

    [Fact]
    public void Precedence_is_runtimeConfig_then_args_then_CNI_ARGS_then_config()
    {
        Assert.Equal(Conf, MacConfig.Resolve(Conf, "", null, null));
        Assert.Equal(Env, MacConfig.Resolve(Conf, $"MAC={Env}", null, null));
        Assert.Equal(Args, MacConfig.Resolve(Conf, $"MAC={Env}", ArgsMac(Args), null));
        Assert.Equal(Runtime, MacConfig.Resolve(Conf, $"MAC={Env}", ArgsMac(Args), new MacRuntimeConfig { Mac = Runtime }));
    }

    [Fact]
    public void Empty_values_do_not_override()
    {
        Assert.Equal(Conf, MacConfig.Resolve(Conf, "MAC=", ArgsMac(""), new MacRuntimeConfig { Mac = "" }));
    }

    [Fact]
    public void Unknown_CNI_ARGS_keys_fail_unless_ignored()
    {
        var e = Assert.Throws<CniException>(() => MacConfig.Resolve(null, $"FOO=1;MAC={Env}", null, null));
        Assert.Equal(ErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Equal(Env, MacConfig.Resolve(null, $"IgnoreUnknown=1;FOO=1;MAC={Env}", null, null));
        Assert.Equal(Env, MacConfig.Resolve(null, $"K8S_POD_NAME=p;MAC={Env}", null, null));
    }

    [Fact]
    public void CNI_ARGS_key_is_case_sensitive_like_the_reference()
    {
        Assert.Throws<CniException>(() => MacConfig.Resolve(null, $"mac={Env}", null, null));
    }

    [Theory]
    [InlineData("c2:11:22:33:44:55", new byte[] { 0xc2, 0x11, 0x22, 0x33, 0x44, 0x55 })]
    [InlineData("C2-11-22-33-44-55", new byte[] { 0xc2, 0x11, 0x22, 0x33, 0x44, 0x55 })]
    public void Parse_accepts_colon_and_dash_forms(string mac, byte[] expected) =>
        Assert.Equal(expected, MacConfig.Parse(mac));

    [Theory]
    [InlineData("not-a-mac")]
    [InlineData("c2:11:22:33:44")]
    [InlineData("zz:11:22:33:44:55")]
    public void Parse_rejects_malformed_addresses_as_invalid_config(string mac)
    {
        var e = Assert.Throws<CniException>(() => MacConfig.Parse(mac));
        Assert.Equal(ErrorCode.InvalidNetworkConfig, e.Code);
        Assert.StartsWith($"invalid args {mac} for MAC addr", e.Message);
    }

    [Fact]
    public void Temporary_names_are_veth_and_8_hex_digits_and_differ()
    {
        string a = LinkNames.RandomVethName(), b = LinkNames.RandomVethName();
        Assert.Matches(VethName(), a);
        Assert.True(a.Length <= 15);
        Assert.NotEqual(a, b);
    }

    [GeneratedRegex("^veth[0-9a-f]{8}$")]
    private static partial Regex VethName();
}
