using System.Net;
using System.Text.Json;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// The overlay's netlink operations against the real kernel in a scratch namespace. What the kernel holds is read
/// back twice: through this project's decoders and through iproute2's JSON output, so an encoder and decoder that
/// agree on a wrong byte order cannot pass. The underlay is a veth pair: this kernel has no dummy driver.
/// </summary>
public sealed class VxlanKernelTests : IDisposable
{
    private readonly ScratchNetns _scratch = new();
    private readonly NetNs _ns;
    private readonly RtnlHandle _rtnl;
    private readonly int _underlay;

    public VxlanKernelTests()
    {
        _ns = NetNs.Open(_scratch.Path);
        _rtnl = RtnlHandle.OpenIn(_ns);
        _rtnl.VethAdd("u0", "u1", 0, null, peerNetnsFd: -1);
        _underlay = _rtnl.GetLinkByName("u0").Index;
        _rtnl.LinkSetUp(_underlay);
        _rtnl.LinkSetUp(_rtnl.GetLinkByName("u1").Index);
    }

    public void Dispose()
    {
        _rtnl.Dispose();
        _ns.Dispose();
        _scratch.Dispose();
    }

    [SkippableFact]
    public void Vxlan_v4_is_created_down_with_every_parameter_as_given()
    {
        byte[] mac = [0x0a, 0x58, 0xc0, 0x00, 0x02, 0x01];
        AddVxlan(new VxlanSpec
        {
            Name = "vxlan100", Vni = 100, Port = 4789, Local = IPAddress.Parse("192.0.2.1"), UnderlayIndex = _underlay,
            Learning = false, Ttl = 5, Group = IPAddress.Parse("239.1.1.1"), Mtu = 1400, HardwareAddr = mac,
        });

        var link = _rtnl.GetLinkByName("vxlan100");
        Assert.Equal(("vxlan", 1400, "0a:58:c0:00:02:01", false), (link.Kind, link.Mtu, link.Mac, link.IsUp));
        var info = VxlanInfo.FromLink(link)!;
        Assert.Equal((100u, (ushort)4789, _underlay, (byte)5, false), (info.Vni, info.Port, info.UnderlayIndex, info.Ttl, info.Learning));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), info.Local);
        Assert.Equal(IPAddress.Parse("239.1.1.1"), info.Group);

        var data = InfoData("vxlan100");
        Assert.Equal(100, data.GetProperty("id").GetInt32());
        Assert.Equal(4789, data.GetProperty("port").GetInt32());
        Assert.Equal("192.0.2.1", data.GetProperty("local").GetString());
        Assert.Equal("239.1.1.1", data.GetProperty("group").GetString());
        Assert.Equal("u0", data.GetProperty("link").GetString());
        Assert.Equal(5, data.GetProperty("ttl").GetInt32());
        Assert.False(data.GetProperty("learning").GetBoolean());
    }

    [SkippableFact]
    public void Vxlan_v6_local_and_group_and_the_defaults_read_back()
    {
        AddVxlan(new VxlanSpec
        {
            Name = "vxlan6", Vni = 16777215, Port = 4790, Local = IPAddress.Parse("2001:db8::1"), UnderlayIndex = _underlay,
            Group = IPAddress.Parse("ff05::100"),
        });

        var link = _rtnl.GetLinkByName("vxlan6");
        Assert.False(link.IsUp);
        var info = VxlanInfo.FromLink(link)!;
        Assert.Equal((16777215u, (ushort)4790, _underlay, (byte)0, true), (info.Vni, info.Port, info.UnderlayIndex, info.Ttl, info.Learning));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), info.Local);
        Assert.Equal(IPAddress.Parse("ff05::100"), info.Group);

        var data = InfoData("vxlan6");
        Assert.Equal(16777215, data.GetProperty("id").GetInt32());
        Assert.Equal(4790, data.GetProperty("port").GetInt32());
        Assert.Equal("2001:db8::1", data.GetProperty("local6").GetString());
        Assert.Equal("ff05::100", data.GetProperty("group6").GetString());
        Assert.True(data.GetProperty("learning").GetBoolean());

        var exists = Assert.Throws<NetlinkException>(() => _rtnl.VxlanAdd(new VxlanSpec { Name = "vxlan6", Vni = 1 }));
        Assert.True(exists.IsExists);
    }

    [SkippableFact]
    public void Fdb_entries_are_appended_listed_replaced_and_deleted()
    {
        int vx = AddVxlan("vxlan100", 100, "192.0.2.1");
        _rtnl.FdbAppend(new FdbEntry { LinkIndex = vx, Dst = IPAddress.Parse("192.0.2.2") });
        _rtnl.FdbAppend(new FdbEntry { LinkIndex = vx, Dst = IPAddress.Parse("192.0.2.3"), Port = 4790, Vni = 200, ViaIndex = _underlay });
        _rtnl.FdbReplace(new FdbEntry { LinkIndex = vx, Mac = [0x0a, 0x58, 0xc0, 0x00, 0x02, 0x04], Dst = IPAddress.Parse("192.0.2.4") });

        var entries = _rtnl.FdbList(vx);
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal((vx, Rtnl.NTF_SELF), (e.LinkIndex, (byte)(e.Flags & Rtnl.NTF_SELF))));
        Assert.All(entries, e => Assert.NotEqual(0, e.State & Rtnl.NUD_PERMANENT));
        var plain = Assert.Single(entries, e => e.IsAllZeroMac && e.Dst!.Equals(IPAddress.Parse("192.0.2.2")));
        Assert.Equal(((ushort)0, (uint?)null, 0), (plain.Port, plain.Vni, plain.ViaIndex));
        var full = Assert.Single(entries, e => e.IsAllZeroMac && e.Dst!.Equals(IPAddress.Parse("192.0.2.3")));
        Assert.Equal(((ushort)4790, (uint?)200u, _underlay), (full.Port, full.Vni, full.ViaIndex));
        var vtep = Assert.Single(entries, e => !e.IsAllZeroMac);
        Assert.Equal(("0a:58:c0:00:02:04", IPAddress.Parse("192.0.2.4")), (MacAddress.Format(vtep.Mac), vtep.Dst));

        // iproute2's view of the same entries: port and vni in their own byte order, via by name.
        var shown = Json("bridge", "-j", "fdb", "show", "dev", "vxlan100").EnumerateArray()
            .ToDictionary(e => e.GetProperty("dst").GetString()!);
        Assert.Equal(3, shown.Count);
        Assert.Equal(4790, shown["192.0.2.3"].GetProperty("port").GetInt32());
        Assert.Equal(200, shown["192.0.2.3"].GetProperty("vni").GetInt32());
        Assert.Equal("u0", shown["192.0.2.3"].GetProperty("viaIf").GetString());
        Assert.Equal("0a:58:c0:00:02:04", shown["192.0.2.4"].GetProperty("mac").GetString());

        _rtnl.FdbReplace(new FdbEntry { LinkIndex = vx, Mac = [0x0a, 0x58, 0xc0, 0x00, 0x02, 0x04], Dst = IPAddress.Parse("192.0.2.5") });
        _rtnl.FdbDel(new FdbEntry { LinkIndex = vx, Dst = IPAddress.Parse("192.0.2.2") });
        var left = _rtnl.FdbList(vx);
        Assert.Equal(["192.0.2.3", "192.0.2.5"], left.Select(e => e.Dst!.ToString()).Order());

        // The remote with a port, vni and via is only matched with the same ones: without them the kernel
        // acknowledges the delete and removes nothing.
        _rtnl.FdbDel(new FdbEntry { LinkIndex = vx, Dst = IPAddress.Parse("192.0.2.3") });
        Assert.Equal(2, _rtnl.FdbList(vx).Count);
        _rtnl.FdbDel(new FdbEntry { LinkIndex = vx, Dst = IPAddress.Parse("192.0.2.3"), Port = 4790, Vni = 200, ViaIndex = _underlay });
        Assert.Equal("192.0.2.5", Assert.Single(_rtnl.FdbList(vx)).Dst!.ToString());
    }

    [SkippableFact]
    public void Fdb_list_of_one_device_decodes_ipv6_remotes()
    {
        int vx4 = AddVxlan("vxlan100", 100, "192.0.2.1");
        int vx6 = AddVxlan("vxlan200", 200, "2001:db8::1");
        _rtnl.FdbAppend(new FdbEntry { LinkIndex = vx4, Dst = IPAddress.Parse("192.0.2.2") });
        _rtnl.FdbAppend(new FdbEntry { LinkIndex = vx6, Dst = IPAddress.Parse("2001:db8::2") });
        _rtnl.FdbAppend(new FdbEntry { LinkIndex = vx6, Dst = IPAddress.Parse("2001:db8::3") });

        var entries = _rtnl.FdbList(vx6);
        Assert.Equal(["2001:db8::2", "2001:db8::3"], entries.Select(e => e.Dst!.ToString()).Order());
        Assert.All(entries, e => Assert.True(e.IsAllZeroMac));
    }

    [SkippableFact]
    public void Permanent_neighbour_and_onlink_route_on_a_vxlan_device()
    {
        int vx = AddVxlan("vxlan100", 100, "192.0.2.1");
        _rtnl.AddrAdd(vx, CidrAddress.Parse("10.244.1.0/32"));
        _rtnl.LinkSetUp(vx);
        byte[] peerMac = [0x0a, 0x58, 0xc0, 0x00, 0x02, 0x02];

        _rtnl.NeighReplace(new Neigh { Family = Rtnl.AF_INET, LinkIndex = vx, State = Rtnl.NUD_PERMANENT, Ip = IPAddress.Parse("10.244.2.0"), HardwareAddr = peerMac });
        var neigh = Assert.Single(_rtnl.NeighList(Rtnl.AF_INET, vx), n => n.Ip!.Equals(IPAddress.Parse("10.244.2.0")));
        Assert.Equal((Rtnl.NUD_PERMANENT, "0a:58:c0:00:02:02"), (neigh.State, MacAddress.Format(neigh.HardwareAddr)));
        var shownNeigh = Assert.Single(Json("ip", "-j", "neigh", "show", "dev", "vxlan100").EnumerateArray());
        Assert.Equal("PERMANENT", shownNeigh.GetProperty("state")[0].GetString());

        // Without onlink the kernel refuses a gateway that no route of the device covers.
        var route = new RouteEntry { Dst = CidrAddress.Parse("10.244.2.0/24"), Gateway = IPAddress.Parse("10.244.2.0"), OutputIndex = vx };
        Assert.Throws<NetlinkException>(() => _rtnl.RouteReplace(route));
        _rtnl.RouteReplace(new RouteEntry { Dst = route.Dst, Gateway = route.Gateway, OutputIndex = vx, Flags = Rtnl.RTNH_F_ONLINK });
        var r = Assert.Single(_rtnl.RouteList(Rtnl.AF_INET), x => x.Dst?.ToString() == "10.244.2.0/24");
        Assert.Equal((IPAddress.Parse("10.244.2.0"), vx), (r.Gateway, r.OutputIndex));
        Assert.NotEqual(0u, r.Flags & Rtnl.RTNH_F_ONLINK);
        var shownRoute = Assert.Single(Json("ip", "-j", "route", "show", "10.244.2.0/24").EnumerateArray());
        Assert.Contains("onlink", shownRoute.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        // Replacing again is idempotent, as a repeated ADD needs.
        _rtnl.RouteReplace(new RouteEntry { Dst = route.Dst, Gateway = route.Gateway, OutputIndex = vx, Flags = Rtnl.RTNH_F_ONLINK });
        _rtnl.NeighReplace(new Neigh { Family = Rtnl.AF_INET, LinkIndex = vx, State = Rtnl.NUD_PERMANENT, Ip = IPAddress.Parse("10.244.2.0"), HardwareAddr = peerMac });
        Assert.Single(_rtnl.RouteList(Rtnl.AF_INET), x => x.Dst?.ToString() == "10.244.2.0/24");

        // A dropped peer: its route and neighbour go with the existing delete requests.
        _rtnl.RouteDel(new RouteEntry { Dst = route.Dst, Gateway = route.Gateway, OutputIndex = vx, Flags = Rtnl.RTNH_F_ONLINK });
        _rtnl.NeighDel(new Neigh { Family = Rtnl.AF_INET, LinkIndex = vx, State = Rtnl.NUD_PERMANENT, Ip = IPAddress.Parse("10.244.2.0") });
        Assert.DoesNotContain(_rtnl.RouteList(Rtnl.AF_INET), x => x.Dst?.ToString() == "10.244.2.0/24");
        Assert.DoesNotContain(_rtnl.NeighList(Rtnl.AF_INET, vx), n => n.Ip!.Equals(IPAddress.Parse("10.244.2.0")));
    }

    [Fact]
    public void Route_get_returns_the_interface_gateway_and_source_the_kernel_picks()
    {
        _rtnl.AddrAdd(_underlay, CidrAddress.Parse("192.0.2.1/24"));
        _rtnl.AddrAdd(_underlay, CidrAddress.Parse("2001:db8::1/64"), Rtnl.IFA_F_NODAD);
        _rtnl.RouteAdd(new RouteEntry { Dst = CidrAddress.Parse("198.51.100.0/24"), Gateway = IPAddress.Parse("192.0.2.254"), OutputIndex = _underlay });
        _rtnl.RouteAdd(new RouteEntry { Dst = CidrAddress.Parse("2001:db8:1::/64"), Gateway = IPAddress.Parse("2001:db8::fe"), OutputIndex = _underlay });

        var v4 = _rtnl.RouteGet(IPAddress.Parse("198.51.100.7"));
        Assert.Equal((_underlay, IPAddress.Parse("192.0.2.254"), IPAddress.Parse("192.0.2.1")), (v4.OutputIndex, v4.Gateway, v4.PrefSrc));
        var direct = _rtnl.RouteGet(IPAddress.Parse("192.0.2.2"));
        Assert.Equal((_underlay, (IPAddress?)null, IPAddress.Parse("192.0.2.1")), (direct.OutputIndex, direct.Gateway, direct.PrefSrc));
        var v6 = _rtnl.RouteGet(IPAddress.Parse("2001:db8:1::7"));
        Assert.Equal((_underlay, IPAddress.Parse("2001:db8::fe"), IPAddress.Parse("2001:db8::1")), (v6.OutputIndex, v6.Gateway, v6.PrefSrc));

        var none = Assert.Throws<NetlinkException>(() => _rtnl.RouteGet(IPAddress.Parse("203.0.113.9")));
        Assert.Equal(101, none.Errno); // ENETUNREACH: the scratch namespace has no default route
        Assert.Equal(v4.OutputIndex, _rtnl.RouteGet(IPAddress.Parse("198.51.100.8")).OutputIndex); // the handle is still in step
    }

    private int AddVxlan(string name, uint vni, string local)
    {
        AddVxlan(new VxlanSpec { Name = name, Vni = vni, Local = IPAddress.Parse(local), UnderlayIndex = _underlay, Learning = false });
        return _rtnl.GetLinkByName(name).Index;
    }

    /// <summary>Creates the device, or skips the test (visibly) on a kernel built without the VXLAN driver.</summary>
    private void AddVxlan(VxlanSpec spec)
    {
        try
        {
            _rtnl.VxlanAdd(spec);
        }
        catch (NetlinkException e) when (e.Errno == 95)
        {
            Skip.If(true, $"the kernel has no VXLAN driver (CONFIG_VXLAN): {e.Message}");
        }
    }

    private JsonElement InfoData(string link)
    {
        var shown = Assert.Single(Json("ip", "-d", "-j", "link", "show", "dev", link).EnumerateArray());
        return shown.GetProperty("linkinfo").GetProperty("info_data");
    }

    /// <summary>An iproute2 command's JSON output, run inside the scratch namespace.</summary>
    private JsonElement Json(string program, params string[] args) =>
        JsonDocument.Parse(ScratchNetns.Run("ip", ["netns", "exec", _scratch.Name, program, .. args])).RootElement.Clone();
}
