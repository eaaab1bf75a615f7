using System.Text;
using CniPlugins.Netlink;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Macvlan.Tests;

public sealed class MacvlanConfigTests
{
    private static MacvlanConfig Parse(string json) => MacvlanConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Defaults_are_the_reference_defaults()
    {
        var conf = Parse("""{"cniVersion":"1.0.0","name":"n","type":"macvlan"}""");
        Assert.Null(conf.Master);
        Assert.Equal(Rtnl.MACVLAN_MODE_BRIDGE, MacvlanMode.Parse(conf.Mode));
        Assert.Equal(0, conf.Mtu);
        Assert.False(conf.LinkInContainer);
        Assert.Equal(0u, conf.BcQueueLen);
        Assert.Null(conf.IpamType);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var conf = Parse("""
            {"cniVersion":"1.0.0","name":"n","type":"macvlan","master":"ens3","mode":"vepa","mtu":1400,
             "mac":"c2:11:22:33:44:55","linkInContainer":true,"bcqueuelen":2000,
             "runtimeConfig":{"mac":"c2:11:22:33:44:66"},"args":{"cni":{"mac":"c2:11:22:33:44:77"}},
             "ipam":{"type":"host-local"},"dns":{"nameservers":["10.0.0.53"]}}
            """);
        Assert.Equal("ens3", conf.Master);
        Assert.Equal(Rtnl.MACVLAN_MODE_VEPA, MacvlanMode.Parse(conf.Mode));
        Assert.Equal(1400, conf.Mtu);
        Assert.True(conf.LinkInContainer);
        Assert.Equal(2000u, conf.BcQueueLen);
        Assert.Equal("host-local", conf.IpamType);
        Assert.Equal("c2:11:22:33:44:66", conf.RuntimeConfig?.Mac);
        Assert.Equal("c2:11:22:33:44:77", conf.Args?.Cni?.Mac);
        Assert.Equal(["10.0.0.53"], conf.Dns?.Nameservers);
    }

    [Fact]
    public void Empty_ipam_means_L2_only()
    {
        Assert.Null(Parse("""{"name":"n","type":"macvlan","ipam":{}}""").IpamType);
    }

    [Fact]
    public void Malformed_json_is_a_decoding_error()
    {
        var e = Assert.Throws<CniException>(() => Parse("""{"name":"n","mtu":"big"}"""));
        Assert.Equal(ErrorCode.DecodingFailure, e.Code);
        Assert.StartsWith("failed to load netconf:", e.Message);
    }

    [Theory]
    [InlineData("bridge", Rtnl.MACVLAN_MODE_BRIDGE)]
    [InlineData("private", Rtnl.MACVLAN_MODE_PRIVATE)]
    [InlineData("vepa", Rtnl.MACVLAN_MODE_VEPA)]
    [InlineData("passthru", Rtnl.MACVLAN_MODE_PASSTHRU)]
    public void Modes_round_trip(string name, uint value)
    {
        Assert.Equal(value, MacvlanMode.Parse(name));
        Assert.Equal(name, MacvlanMode.Format(value));
    }

    [Theory]
    [InlineData("passthrough")]
    [InlineData("Bridge")]
    [InlineData("source")]
    public void Unknown_modes_are_invalid_config(string mode)
    {
        var e = Assert.Throws<CniException>(() => MacvlanMode.Parse(mode));
        Assert.Equal(ErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal($"unknown macvlan mode: \"{mode}\"", e.Message);
    }
}
