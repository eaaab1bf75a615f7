using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Overlay;
using Xunit;

namespace CniPlugins.Vxlan.Tests;

/// <summary>Every host computes every other host's MACs from the config: the derivations are a wire contract.</summary>
public sealed class VtepMacTests
{
    [Theory]
    [InlineData("10.99.0.2", "0a:58:0a:63:00:02")]
    [InlineData("192.168.1.13", "0a:58:c0:a8:01:0d")]
    // The first four bytes of SHA-256 over the 16 address bytes (python3: hashlib.sha256(ip_address(a).packed)).
    [InlineData("2001:db8::2", "0a:58:49:44:ea:23")]
    [InlineData("fd00:99::3", "0a:58:ad:a5:64:07")]
    public void The_vtep_mac_is_derived_from_the_underlay_address(string underlay, string mac) =>
        Assert.Equal(mac, MacAddress.Format(VtepMac.ForUnderlay(IPAddress.Parse(underlay))));

    [Theory]
    [InlineData(42u, "0a:58:ff:00:00:2a")]
    [InlineData(1u, "0a:58:ff:00:00:01")]
    [InlineData(16777215u, "0a:58:ff:ff:ff:ff")]
    [InlineData(0x123456u, "0a:58:ff:12:34:56")]
    public void The_anycast_gateway_mac_holds_the_vni_big_endian(uint vni, string mac) =>
        Assert.Equal(mac, MacAddress.Format(VtepMac.ForGateway(vni)));
}
