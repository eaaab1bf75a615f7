using System.Net;
using CniPlugins.HostLocal.Allocator;
using CniPlugins.Ip;
using Xunit;
using Range = CniPlugins.HostLocal.Allocator.Range;

namespace CniPlugins.HostLocal.Tests;

public sealed class RangeTests
{
    private static IPAddress? Ip(string? s) => s is null ? null : IPAddress.Parse(s);

    [Theory]
    [InlineData("10.1.2.0", 24, null, null, null, "10.1.2.1-10.1.2.254", "10.1.2.1")]
    [InlineData("10.1.2.0", 24, "10.1.2.10", "10.1.2.20", "10.1.2.254", "10.1.2.10-10.1.2.20", "10.1.2.254")]
    [InlineData("10.1.2.0", 30, null, null, null, "10.1.2.1-10.1.2.2", "10.1.2.1")]
    [InlineData("2001:db8::", 64, null, null, null, "2001:db8::1-2001:db8::ffff:ffff:ffff:ffff", "2001:db8::1")]
    public void Defaults_are_the_reference_ones(string subnet, int prefix, string? start, string? end, string? gw, string expected, string gateway)
    {
        var r = Range.Canonicalize(Ip(subnet), prefix, Ip(start), Ip(end), Ip(gw));
        Assert.Equal(expected, r.ToString());
        Assert.Equal(IPAddress.Parse(gateway), r.Gateway);
    }

    [Theory]
    [InlineData(null, 24, null, null, null, "IP <nil> not v4 nor v6")]
    [InlineData("10.1.2.0", 31, null, null, null, "Network 10.1.2.0/31 too small to allocate from")]
    [InlineData("2001:db8::", 127, null, null, null, "Network 2001:db8::/127 too small to allocate from")]
    [InlineData("10.1.2.5", 24, null, null, null, "Network has host bits set. For a subnet mask of length 24 the network address is 10.1.2.0")]
    [InlineData("10.1.2.0", 24, "10.1.3.1", null, null, "RangeStart 10.1.3.1 not in network 10.1.2.0/24")]
    [InlineData("10.1.2.0", 24, null, "10.1.3.1", null, "RangeEnd 10.1.3.1 not in network 10.1.2.0/24")]
    [InlineData("10.1.2.0", 24, "10.1.2.100", "10.1.2.50", null, "RangeStart 10.1.2.100 not in network 10.1.2.0/24")]
    [InlineData("10.1.2.0", 24, null, "fd00::1", null, "RangeEnd fd00::1 not in network 10.1.2.0/24")]
    [InlineData("10.1.2.0", 24, null, null, "10.1.3.1", "gateway 10.1.3.1 not in network 10.1.2.0/24")]
    public void Invalid_ranges_give_the_reference_messages(string? subnet, int prefix, string? start, string? end, string? gw, string message)
    {
        var e = Assert.Throws<RangeException>(() => Range.Canonicalize(Ip(subnet), prefix, Ip(start), Ip(end), Ip(gw)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Range_sets_refuse_overlap_mixed_families_and_emptiness()
    {
        var a = Range.Canonicalize(Ip("10.1.2.0"), 24, null, null, null);
        var b = Range.Canonicalize(Ip("10.1.2.0"), 25, null, null, null);
        var v6 = Range.Canonicalize(Ip("fd00::"), 64, null, null, null);
        Assert.Equal("subnets 10.1.2.1-10.1.2.254 and 10.1.2.1-10.1.2.126 overlap", Assert.Throws<RangeException>(() => new RangeSet([a, b])).Message);
        Assert.Equal("mixed address families", Assert.Throws<RangeException>(() => new RangeSet([a, v6])).Message);
        Assert.Equal("empty range set", Assert.Throws<RangeException>(() => new RangeSet([])).Message);
        Assert.Equal(UInt128.Parse("253"), new RangeSet([a]).Capacity);
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]
    [InlineData("::1.2.3.4", "::102:304")]
    [InlineData("fd00::", "fd00::")]
    public void Addresses_are_read_and_written_as_go_does(string input, string expected)
    {
        Assert.True(GoIp.TryParse(input, out var ip));
        Assert.Equal(expected, GoIp.Format(ip));
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("010.1.2.3")]
    [InlineData("0x0a.1.2.3")]
    [InlineData("10.1.2.256")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.1.2.3 ")]
    [InlineData("")]
    public void Addresses_go_refuses_are_refused(string input) => Assert.False(GoIp.TryParse(input, out _));
}
