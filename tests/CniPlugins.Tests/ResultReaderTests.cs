using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// How a result is read: by encoding/json's rules, as the reference reads it (keys in any case, the last spelling
/// wins, unknown keys skipped), and anything a plugin could not use refused as a decoding error.
/// </summary>
public sealed class ResultReaderTests
{
    [Fact]
    public void Keys_match_in_any_case_and_the_last_spelling_wins()
    {
        var r = ResultJson.Parse("""{"IPS":[{"Address":"10.0.0.2/24","GATEWAY":"10.0.0.1"}],"ips":[{"address":"10.0.0.3/24"}],"Routes":[{"DST":"0.0.0.0/0"}]}"""u8, "1.0.0");
        Assert.Equal("10.0.0.3/24", r.Ips!.Single().Address.ToString());
        Assert.Null(r.Ips![0].Gateway);
        Assert.Equal("0.0.0.0/0", r.Routes!.Single().Dst.ToString());
    }

    [Fact]
    public void Every_field_of_the_newest_shape_is_read()
    {
        var r = ResultJson.Parse("""
            {"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mac":"0a:58:0a:00:00:02","mtu":1400,"sandbox":"/var/run/netns/x","socketPath":"/s","pciID":"0000:00:01.0"}],
             "ips":[{"interface":0,"address":"fd00::2/64","gateway":"fd00::1"}],
             "routes":[{"dst":"10.9.0.0/16","gw":"10.0.0.1","mtu":1300,"advmss":1200,"priority":5,"table":100,"scope":253}],
             "dns":{"nameservers":["10.0.0.53"],"domain":"example.org","search":["a.example.org"],"options":["ndots:2"]},"extra":{"ignored":[1,2]}}
            """u8, "1.1.0");
        var i = r.Interfaces!.Single();
        Assert.Equal(("eth0", "0a:58:0a:00:00:02", 1400, "/var/run/netns/x", "/s", "0000:00:01.0"), (i.Name, i.Mac, i.Mtu, i.Sandbox, i.SocketPath, i.PciId));
        Assert.Equal((0, "fd00::2/64", "fd00::1"), (r.Ips![0].Interface, r.Ips[0].Address.ToString(), r.Ips[0].Gateway!.ToString()));
        var rt = r.Routes!.Single();
        Assert.Equal(("10.9.0.0/16", "10.0.0.1", 1300, 1200, 5, 100, 253), (rt.Dst.ToString(), rt.Gw!.ToString(), rt.Mtu, rt.AdvMss, rt.Priority, rt.Table, rt.Scope));
        Assert.Equal(["10.0.0.53"], r.Dns!.Nameservers!);
        Assert.Equal("example.org", r.Dns.Domain);
        Assert.Equal(["a.example.org"], r.Dns.Search!);
        Assert.Equal(["ndots:2"], r.Dns.Options!);
    }

    [Fact]
    public void An_interface_of_the_0_4_shape_has_no_mtu_and_the_result_keeps_its_version()
    {
        var r = ResultJson.Parse("""{"cniVersion":"0.3.1","interfaces":[{"name":"eth0","mtu":1400}],"ips":[{"version":"4","address":"10.0.0.2/24"}]}"""u8, "0.3.1");
        Assert.Equal("0.3.1", r.CniVersion);
        Assert.Equal(0, r.Interfaces!.Single().Mtu);
        Assert.Equal("10.0.0.2/24", r.Ips!.Single().Address.ToString());
    }

    [Theory]
    [InlineData("""{"ips":[{"gateway":"10.0.0.1"}]}""", "1.0.0")]
    [InlineData("""{"ips":[null]}""", "1.0.0")]
    [InlineData("""{"routes":[{"gw":"10.0.0.1"}]}""", "0.4.0")]
    [InlineData("""{"ip4":{"gateway":"10.0.0.1"}}""", "0.2.0")]
    [InlineData("""{"dns":{"nameservers":[null]}}""", "1.0.0")]
    [InlineData("""{"ips":[{"address":"10.0.0.2/24","interface":"0"}]}""", "1.0.0")]
    [InlineData("""{"ips":[{"address":"10.0.0.2/24","gateway":"fe80::1%eth0"}]}""", "1.0.0")]
    [InlineData("""{"ips":[]} {}""", "1.0.0")]
    [InlineData("""[]""", "1.0.0")]
    [InlineData("""null""", "1.0.0")]
    [InlineData("", "1.0.0")]
    public void What_a_plugin_could_not_use_is_a_decoding_error(string json, string version)
    {
        var e = Assert.Throws<CniException>(() => ResultJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), version));
        Assert.Equal(ErrorCode.DecodingFailure, e.Code);
        Assert.StartsWith($"failed to parse result of version {version}: ", e.Message);
    }
}
