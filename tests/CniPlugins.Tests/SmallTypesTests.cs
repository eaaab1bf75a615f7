using System.Security.Cryptography;
using System.Text;
using CniPlugins.Firewall;
using CniPlugins.Netlink;
using CniPlugins.Skel;
using CniPlugins.Types;
using CniPlugins.Utils;
using Xunit;

namespace CniPlugins.Tests;

public sealed class SmallTypesTests
{
    [Theory]
    [InlineData("10.1.2.5/24", "10.1.2.0/24", true)]
    [InlineData("fd00::5/64", "fd00::/64", false)]
    [InlineData("10.1.2.5/32", "10.1.2.5/32", true)]
    public void Cidr_addresses_keep_host_bits_and_know_their_network(string text, string network, bool v4)
    {
        var c = CidrAddress.Parse(text);
        Assert.Equal(text, c.ToString());
        Assert.Equal(network, c.Network.ToString());
        Assert.Equal(v4, c.IsIPv4);
        Assert.True(c.Contains(c.Address));
    }

    [Theory]
    [InlineData("10.1.2.5")]
    [InlineData("10.1.2.5/33")]
    [InlineData("10.1.2.5/-1")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("/24")]
    public void Malformed_cidr_addresses_are_refused(string text) => Assert.False(CidrAddress.TryParse(text, out _));

    [Fact]
    public void Mac_addresses_round_trip()
    {
        Assert.True(MacAddress.TryParse("0A:1b:2c:3d:4e:5f", out byte[] mac));
        Assert.Equal("0a:1b:2c:3d:4e:5f", MacAddress.Format(mac));
        Assert.False(MacAddress.TryParse("0a:1b:2c:3d:4e", out _));
    }

    [Fact]
    public void Version_gates()
    {
        Assert.True(CniVersion.AtLeast("1.1.0", "0.4.0"));
        Assert.False(CniVersion.AtLeast("0.3.1", "0.4.0"));
        Assert.Null(CniVersion.Compare("1.0", "1.0.0"));
        Assert.False(CniVersion.IsSupported("1.2.0"));
    }

    [Fact]
    public void Cni_args_parse_like_the_reference_and_tolerate_kubernetes_keys()
    {
        Assert.Equal("10.0.0.5", CniArgs.Parse("IP=10.0.0.5;K8S_POD_NAME=p", "IP").Get("IP"));
        Assert.Equal("4", Assert.Throws<CniException>(() => CniArgs.Parse("FOO=1", "IP")).Code.ToString());
        Assert.Contains("unknown args [\"FOO\"]", Assert.Throws<CniException>(() => CniArgs.Parse("FOO=1", "IP")).Message);
        Assert.Null(CniArgs.Parse("FOO=1;IgnoreUnknown=true", "IP").Get("IP"));
        Assert.Contains("invalid pair", Assert.Throws<CniException>(() => CniArgs.Parse("IP=a=b", "IP")).Message);
        Assert.Throws<CniException>(() => CniArgs.Parse("IgnoreUnknown=maybe"));
    }

    [Fact]
    public void Identifier_rules()
    {
        Assert.True(Validation.IsValidIdentifier("a1_b.c-d"));
        Assert.False(Validation.IsValidIdentifier("_a"));
        Assert.False(Validation.IsValidIdentifier("a/b"));
        Assert.False(Validation.IsValidIdentifier(""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a string of exactly one hundred and eleven bytes, which puts the length field into the second block!!!!!!!!!!!!!!")]
    [InlineData("brnetc1")]
    public void Managed_sha512_matches_the_platform(string input)
    {
        byte[] data = Encoding.UTF8.GetBytes(input);
        Assert.Equal(SHA512.HashData(data), Sha512.Hash(data));
        byte[] big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(input + "x", 100)));
        Assert.Equal(SHA512.HashData(big), Sha512.Hash(big));
    }

    [Fact]
    public void Chain_names_and_comments_are_the_references()
    {
        // "CNI-" + the first 24 hex digits of sha512(network + containerID), as pkg/utils.FormatChainName.
        string expected = "CNI-" + Convert.ToHexString(SHA512.HashData("demo-netdemo-c1"u8.ToArray())).ToLowerInvariant()[..24];
        Assert.Equal(expected, ChainNames.MasqChain("demo-net", "demo-c1"));
        Assert.Equal("CNI-da009ac373422344d0ddc28d", ChainNames.MasqChain("demo-net", "demo-c1"));
        Assert.Equal("name: \"demo-net\" id: \"demo-c1\"", ChainNames.MasqComment("demo-net", "demo-c1"));
    }
}
