using System.Net;
using CniPlugins.HostLocal.Allocator;
using Xunit;
using Range = CniPlugins.HostLocal.Allocator.Range;

namespace CniPlugins.HostLocal.Tests;

/// <summary>The allocator against the in-memory store (after the reference's allocator_test.go).</summary>
public sealed class AllocatorTests
{
    private static IPAddress Ip(string s) => IPAddress.Parse(s);

    private static Range R(string subnet, string? start = null, string? end = null, string? gw = null)
    {
        string[] p = subnet.Split('/');
        return Range.Canonicalize(Ip(p[0]), int.Parse(p[1]), start is null ? null : Ip(start), end is null ? null : Ip(end), gw is null ? null : Ip(gw));
    }

    private int _containers;

    private string Next(IpAllocator a, FakeStore s) =>
        a.Get($"c{++_containers}", "eth0", null).Address.ToString();

    [Fact]
    public void First_address_is_dot_2_and_the_gateway_is_skipped()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/29")]), store, 0);
        Assert.Equal("10.0.0.2/29", Next(a, store));
        Assert.Equal("10.0.0.3/29", Next(a, store));
    }

    [Fact]
    public void Round_robin_continues_after_the_last_reserved_and_wraps_across_ranges()
    {
        var store = new FakeStore();
        var set = new RangeSet([R("10.0.0.0/29", start: "10.0.0.5"), R("10.0.1.0/30")]);
        var a = new IpAllocator(set, store, 0);
        var got = Enumerable.Range(0, 3).Select(_ => Next(a, store)).ToList();
        Assert.Equal(["10.0.0.5/29", "10.0.0.6/29", "10.0.1.2/30"], got); // 10.0.1.1 is that range's gateway
        Assert.Throws<AllocationException>(() => Next(a, store));

        store.Release(Ip("10.0.0.5"));
        Assert.Equal("10.0.0.5/29", Next(a, store)); // wrapped round to the start of the first range
    }

    [Fact]
    public void Released_address_is_not_reused_until_the_range_has_been_walked()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/24")]), store, 0);
        Assert.Equal("10.0.0.2/24", Next(a, store));
        store.Release(Ip("10.0.0.2"));
        Assert.Equal("10.0.0.3/24", Next(a, store));
    }

    [Fact]
    public void Cursor_outside_the_set_restarts_at_the_first_range()
    {
        var store = new FakeStore();
        store.LastReserved[0] = Ip("192.168.7.7");
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/24")]), store, 0);
        Assert.Equal("10.0.0.2/24", Next(a, store));
    }

    [Fact]
    public void A_gateway_at_the_range_start_is_skipped()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/29", start: "10.0.0.4", gw: "10.0.0.4")]), store, 0);
        Assert.Equal("10.0.0.5/29", Next(a, store));
    }

    [Fact]
    public void Exhaustion_message_lists_the_set()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/30")]), store, 0);
        Assert.Equal("10.0.0.2/30", Next(a, store));
        var e = Assert.Throws<AllocationException>(() => Next(a, store));
        Assert.Equal("no IP addresses available in range set: 10.0.0.1-10.0.0.2", e.Message);
    }

    [Fact]
    public void Second_add_of_the_same_attachment_is_refused()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/24")]), store, 0);
        a.Get("dup", "eth0", null);
        var e = Assert.Throws<AllocationException>(() => a.Get("dup", "eth0", null));
        Assert.Equal("10.0.0.2 has been allocated to dup, duplicate allocation is not allowed", e.Message);
        Assert.Equal("10.0.0.3/24", a.Get("dup", "eth1", null).Address.ToString());
    }

    [Fact]
    public void Requested_address_is_reserved_or_refused()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("10.0.0.0/24")]), store, 0);
        var got = a.Get("r", "eth0", Ip("10.0.0.77"));
        Assert.Equal("10.0.0.77/24", got.Address.ToString());
        Assert.Equal(Ip("10.0.0.1"), got.Gateway);
        Assert.Equal(Ip("10.0.0.77"), store.LastReserved[0]);
        Assert.Equal("requested IP address 10.0.0.77 is not available in range set 10.0.0.1-10.0.0.254",
            Assert.Throws<AllocationException>(() => a.Get("s", "eth0", Ip("10.0.0.77"))).Message);
        Assert.Equal("requested ip 10.0.0.1 is subnet's gateway",
            Assert.Throws<AllocationException>(() => a.Get("s", "eth0", Ip("10.0.0.1"))).Message);
    }

    [Fact]
    public void Ipv6_ranges_walk_the_same_way()
    {
        var store = new FakeStore();
        var a = new IpAllocator(new RangeSet([R("2001:db8::/126")]), store, 0);
        Assert.Equal("2001:db8::2/126", Next(a, store));
        Assert.Equal("2001:db8::3/126", Next(a, store)); // no broadcast in IPv6
        Assert.Throws<AllocationException>(() => Next(a, store));
    }
}
