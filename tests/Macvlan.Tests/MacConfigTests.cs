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

    private static byte[] Bytes(string mac) => Convert.FromHexString(mac.Replace(":", ""));

    private static byte[]? Resolve(string? conf, string cniArgs = "", string? args = null, string? runtime = null) =>
        ContainerMac.Resolve(new Sources
        {
            Mac = conf,
            Args = args is null ? null : new MacArgs { Cni = new MacArgsCni { Mac = args } },
            RuntimeConfig = runtime is null ? null : new MacRuntimeConfig { Mac = runtime },
        }, cniArgs);

    [Fact]
    public void Nothing_set_leaves_the_mac_to_the_kernel() =>
        Assert.Null(Resolve(null) ?? Resolve(""));

    [Fact]
    public void Precedence_is_runtimeConfig_then_args_then_CNI_ARGS_then_config()
    {
        Assert.Equal(Bytes(Conf), Resolve(Conf));
        Assert.Equal(Bytes(Env), Resolve(Conf, $"MAC={Env}"));
        Assert.Equal(Bytes(Args), Resolve(Conf, $"MAC={Env}", Args));
        Assert.Equal(Bytes(Runtime), Resolve(Conf, $"MAC={Env}", Args, Runtime));
        Assert.Equal(Bytes(Runtime), Resolve(null, "", Args, Runtime));
        Assert.Equal(Bytes(Args), Resolve(null, $"MAC={Env}", Args));
    }

    [Fact]
    public void Empty_values_do_not_override()
    {
        Assert.Equal(Bytes(Conf), Resolve(Conf, "MAC=", "", ""));
    }

    [Fact]
    public void Unknown_CNI_ARGS_keys_fail_unless_ignored()
    {
        var e = Assert.Throws<CniException>(() => Resolve(null, $"FOO=1;MAC={Env}"));
        Assert.Equal(ErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Equal(Bytes(Env), Resolve(null, $"IgnoreUnknown=1;FOO=1;MAC={Env}"));
        Assert.Equal(Bytes(Env), Resolve(null, $"K8S_POD_NAME=p;MAC={Env}"));
    }

    [Fact]
    public void CNI_ARGS_key_is_case_sensitive_like_the_reference()
    {
        Assert.Throws<CniException>(() => Resolve(null, $"mac={Env}"));
    }

    [Theory]
    [InlineData("c2:11:22:33:44:55", new byte[] { 0xc2, 0x11, 0x22, 0x33, 0x44, 0x55 })]
    [InlineData("C2-11-22-33-44-55", new byte[] { 0xc2, 0x11, 0x22, 0x33, 0x44, 0x55 })]
    public void Accepts_colon_and_dash_forms(string mac, byte[] expected) =>
        Assert.Equal(expected, Resolve(mac));

    [Theory]
    [InlineData("not-a-mac")]
    [InlineData("c2:11:22:33:44")]
    [InlineData("zz:11:22:33:44:55")]
    public void Rejects_malformed_addresses_as_invalid_config(string mac)
    {
        foreach (var bad in new Func<byte[]?>[] { () => Resolve(mac), () => Resolve(Conf, $"MAC={mac}"), () => Resolve(null, "", mac), () => Resolve(null, "", null, mac) })
        {
            var e = Assert.Throws<CniException>(bad);
            Assert.Equal(ErrorCode.InvalidNetworkConfig, e.Code);
            Assert.StartsWith($"invalid args {mac} for MAC addr", e.Message);
        }
    }

    [Fact]
    public void A_malformed_source_that_is_overridden_is_not_looked_at() =>
        Assert.Equal(Bytes(Runtime), Resolve("not-a-mac", "MAC=bad", "bad", Runtime));

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

    private sealed class Sources : IMacSources
    {
        public string? Mac { get; init; }

        public MacRuntimeConfig? RuntimeConfig { get; init; }

        public MacArgs? Args { get; init; }
    }
}
