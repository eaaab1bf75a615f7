using System.Text;
using CniPlugins.HostLocal.Config;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.HostLocal.Tests;

public sealed class ConfigLoaderTests
{
    private static IpamConfig Load(string json, string args = "") => ConfigLoader.Load(Encoding.UTF8.GetBytes(json), args);

    private static CniException Fails(string json, string args = "") => Assert.Throws<CniException>(() => Load(json, args));

    [Fact]
    public void Range_sets_are_ordered_runtime_legacy_then_ranges()
    {
        var conf = Load("""
            {"cniVersion":"1.0.0","name":"n","runtimeConfig":{"ipRanges":[[{"subnet":"10.3.0.0/24"}]]},
             "ipam":{"type":"host-local","subnet":"10.1.0.0/24","ranges":[[{"subnet":"10.2.0.0/24"}],[{"subnet":"fd00::/64"}]]}}
            """);
        Assert.Equal(["10.3.0.1-10.3.0.254", "10.1.0.1-10.1.0.254", "10.2.0.1-10.2.0.254", "fd00::1-fd00::ffff:ffff:ffff:ffff"],
            conf.Ranges.Select(r => r.ToString()));
        Assert.Equal(IpamConfig.DefaultDataDir, conf.DataDir);
        Assert.Equal("n", conf.Name);
    }

    [Fact]
    public void Requested_addresses_come_from_args_and_runtime_config_in_order()
    {
        var conf = Load("""
            {"cniVersion":"1.0.0","name":"n","args":{"cni":{"ips":["10.1.0.6"]}},"runtimeConfig":{"ips":["10.1.0.7/24"]},
             "ipam":{"type":"host-local","subnet":"10.1.0.0/24"}}
            """, "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.1.0.5,fd00::5");
        Assert.Equal(["10.1.0.5", "fd00::5", "10.1.0.6", "10.1.0.7"], conf.RequestedIps.Select(ip => ip.ToString()));
    }

    [Fact]
    public void Keys_match_case_insensitively_like_go()
    {
        var conf = Load("""{"cniVersion":"1.0.0","name":"n","IPAM":{"Type":"host-local","Subnet":"10.1.0.0/24","DataDir":"/tmp/x"}}""");
        Assert.Equal("/tmp/x", conf.DataDir);
        Assert.Single(conf.Ranges);
    }

    [Fact]
    public void Routes_and_resolv_conf_are_kept()
    {
        var conf = Load("""
            {"cniVersion":"1.0.0","name":"n","ipam":{"type":"host-local","subnet":"10.1.0.0/24","resolvConf":"/etc/r",
             "routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.1.0.254"}]}}
            """);
        Assert.Equal("/etc/r", conf.ResolvConf);
        Assert.Equal("192.168.0.0/16", conf.Routes![1].Dst.ToString());
        Assert.Equal("10.1.0.254", conf.Routes[1].Gw!.ToString());
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"n"}""", 7, "IPAM config missing 'ipam' key")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"type":"host-local"}}""", 7, "no IP ranges specified")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/33"}}""", 7, "invalid CIDR address: 10.1.0.0/33")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/24","gateway":"10.1.0.x"}}""", 7, "invalid IP address: 10.1.0.x")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"ranges":[[{"subnet":"10.1.0.0/24"}],[{"subnet":"10.1.0.0/25"}]]}}""", 7, "range set 0 overlaps with 1")]
    [InlineData("""{"cniVersion":"0.2.0","name":"n","ipam":{"ranges":[[{"subnet":"10.1.0.0/24"}],[{"subnet":"10.2.0.0/25"}]]}}""", 7, "CNI version 0.2.0 does not support more than 1 address per family")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/24","dataDir":"/var/lib/../../etc"}}""", 7, "invalid dataDir \"/var/lib/../../etc\": it must not contain \"..\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"..","ipam":{"subnet":"10.1.0.0/24"}}""", 7, "invalid network name \"..\": it must be a single path component")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","runtimeConfig":{"ips":["nope"]},"ipam":{"subnet":"10.1.0.0/24"}}""", 7, "invalid IP address: nope")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/24"}""", 6, null)]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":5}}""", 6, "failed to parse network configuration: \"subnet\" must be a string, not number")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":[]}""", 6, "failed to parse network configuration: ipam must be an object, not array")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"Routes":{"dst":"0.0.0.0/0"}}}""", 6, "failed to parse network configuration: \"Routes\" must be an array, not object")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/24","routes":[{"mtu":"x"}]}}""", 6, "failed to parse network configuration: \"mtu\" must be an integer, not string")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/24"}} x""", 6, null)]
    public void Invalid_configs_are_refused(string json, int code, string? message)
    {
        var e = Fails(json);
        Assert.Equal(code, e.Code);
        if (message is not null)
        {
            Assert.Equal(message, e.Message);
        }
    }

    [Fact]
    public void Unknown_keys_of_any_shape_are_skipped_and_a_prev_result_is_kept_raw()
    {
        var conf = Load("""
            {"cniVersion":"1.0.0","name":"n","x":{"y":[1,{"z":null}]},"ipam":{"subnet":"10.1.0.0/24","extra":[[]]},
             "prevResult":{"ips":[{"address":"10.1.0.9/24"}]}}
            """);
        Assert.Single(conf.Ranges);
        Assert.Equal("""{"ips":[{"address":"10.1.0.9/24"}]}""", Encoding.UTF8.GetString(conf.PrevResult!.Value.Span));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    public void A_prev_result_that_is_not_an_object_is_ignored(string prev) =>
        Assert.Null(Load("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"prevResult\":" + prev + ",\"ipam\":{\"subnet\":\"10.1.0.0/24\"}}").PrevResult);

    [Theory]
    [InlineData("FOO=bar")]
    [InlineData("IP=foo")]
    [InlineData("IP=10.1.0.5,")]
    [InlineData("IP")]
    [InlineData("IgnoreUnknown=maybe")]
    public void Invalid_cni_args_are_code_4(string args) =>
        Assert.Equal(4, Fails("""{"cniVersion":"1.0.0","name":"n","ipam":{"subnet":"10.1.0.0/24"}}""", args).Code);
}
