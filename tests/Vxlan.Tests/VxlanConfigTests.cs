using System.Net;
using System.Text;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Vxlan.Tests;

public sealed class VxlanConfigTests
{
    private const string Ipam = "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.244.1.0/24\"}";

    private static VxlanConfig Parse(string members) =>
        VxlanConfig.Parse(Encoding.UTF8.GetBytes($$"""{"cniVersion":"1.0.0","name":"ov","type":"vxlan",{{members}}}"""));

    private static CniException Refused(string members) => Assert.Throws<CniException>(() => Parse(members));

    [Fact]
    public void Defaults_are_l2_on_port_4789_with_names_from_the_vni()
    {
        var conf = Parse("\"vni\":42");
        Assert.False(conf.IsL3);
        Assert.Equal(4789, conf.Port);
        Assert.Equal(("vxbr42", "vxlan42"), (conf.BridgeName, conf.DeviceName));
        Assert.Null(conf.Learning);
        Assert.False(conf.IsGateway);
        Assert.Empty(conf.PeerList);
    }

    [Fact]
    public void L2_peers_are_addresses_and_names_can_be_set()
    {
        var conf = Parse("\"vni\":7,\"port\":8472,\"bridge\":\"ov0\",\"vxlanDevice\":\"vx0\",\"peers\":[\"10.0.0.2\",\"10.0.0.3\"]");
        Assert.Equal([IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3")], conf.PeerList.Select(p => p.Underlay));
        Assert.All(conf.PeerList, p => Assert.Empty(p.Subnets));
        Assert.Equal((8472, "ov0", "vx0"), (conf.Port, conf.BridgeName, conf.DeviceName));
    }

    [Fact]
    public void L3_peers_carry_their_subnets_and_l3_is_always_a_gateway()
    {
        var conf = Parse($$"""
            "vni":1,"mode":"l3",{{Ipam}},"peers":[
              {"underlay":"10.0.0.2","subnet":"10.244.2.0/24"},
              {"underlay":"10.0.0.3","subnets":["10.244.3.0/24","fd00:3::/64"]}]
            """);
        Assert.True(conf.IsL3);
        Assert.True(conf.IsGateway);
        Assert.Equal(["10.244.2.0/24"], conf.PeerList[0].Subnets.Select(s => s.ToString()));
        Assert.Equal(["10.244.3.0/24", "fd00:3::/64"], conf.PeerList[1].Subnets.Select(s => s.ToString()));
    }

    [Fact]
    public void A_group_is_read_as_a_multicast_address()
    {
        var conf = Parse("\"vni\":5,\"group\":\"239.1.1.1\",\"ttl\":4");
        Assert.Equal(IPAddress.Parse("239.1.1.1"), conf.GroupAddress);
        Assert.Equal(4, conf.Ttl);
    }

    [Theory]
    [InlineData("\"vni\":0", "invalid vni 0")]
    [InlineData("\"vni\":16777216", "invalid vni 16777216")]
    [InlineData("\"vni\":-1", "invalid vni -1")]
    [InlineData("\"vni\":5,\"port\":0", "invalid port 0")]
    [InlineData("\"vni\":5,\"port\":65536", "invalid port 65536")]
    [InlineData("\"vni\":5,\"mode\":\"l4\"", "unknown mode \"l4\"")]
    [InlineData("\"vni\":5,\"peers\":[\"x\"]", "peer \"x\" is not a unicast address")]
    [InlineData("\"vni\":5,\"peers\":[\"239.1.1.1\"]", "peer \"239.1.1.1\" is not a unicast address")]
    [InlineData("\"vni\":5,\"peers\":[5]", "peer 5 is neither an address nor an object")]
    [InlineData("\"vni\":5,\"peers\":[{\"underlay\":\"10.0.0.2\",\"subnet\":\"10.1.0.0/24\"}]", "peer 10.0.0.2 has a subnet, which only l3 mode uses")]
    [InlineData("\"vni\":5,\"mode\":\"l3\"," + Ipam + ",\"peers\":[\"10.0.0.2\"]", "l3 peer \"10.0.0.2\" has no subnet")]
    [InlineData("\"vni\":5,\"mode\":\"l3\"," + Ipam + ",\"peers\":[{\"underlay\":\"10.0.0.2\"}]", "l3 peer 10.0.0.2 has no subnet")]
    [InlineData("\"vni\":5,\"mode\":\"l3\"," + Ipam + ",\"peers\":[{\"underlay\":\"10.0.0.2\",\"subnet\":\"10.1.0.5/24\"}]", "subnet \"10.1.0.5/24\" of peer 10.0.0.2 is not a network address with a prefix")]
    [InlineData("\"vni\":5,\"mode\":\"l3\"", "l3 mode needs ipam")]
    [InlineData("\"vni\":5,\"mode\":\"l3\",\"learning\":true," + Ipam, "learning is off in l3 mode")]
    [InlineData("\"vni\":5,\"group\":\"10.0.0.1\"", "group \"10.0.0.1\" is not a multicast address")]
    [InlineData("\"vni\":5,\"group\":\"239.1.1.1\",\"peers\":[\"10.0.0.2\"]", "group is for l2 mode without peers")]
    [InlineData("\"vni\":5,\"peers\":[\"10.0.0.2\",\"fd00::2\"]", "peer fd00::2 is not of the underlay's address family")]
    [InlineData("\"vni\":5,\"localIP\":\"fd00::1\",\"peers\":[\"10.0.0.2\"]", "peer 10.0.0.2 is not of the underlay's address family")]
    [InlineData("\"vni\":5,\"bridge\":\"x\",\"vxlanDevice\":\"x\"", "bridge and vxlanDevice are both \"x\"")]
    [InlineData("\"vni\":5,\"vxlanDevice\":\"a/b\"", "invalid vxlanDevice name \"a/b\"")]
    [InlineData("\"vni\":5,\"mtu\":-1", "invalid mtu -1")]
    public void Bad_keys_are_config_errors_that_say_what_is_wrong(string members, string message)
    {
        var e = Refused(members);
        Assert.Equal(ErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal(message, e.Message);
    }
}
