using System.Text;
using System.Text.Json.Nodes;
using CniPlugins.Overlay;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Vxlan.Tests;

/// <summary>overlay-agent's state file as the vxlan plugin reads it, and the config keys that go with it.</summary>
public sealed class SubnetFileTests
{
    private const string Good = """
        {"network":"pods","subnet":"10.244.3.0/24","mtu":1450,"vni":400,"clusterCidr":"10.244.0.0/16",
         "peers":[{"underlay":"192.0.2.2","subnet":"10.244.2.0/24"},{"underlay":"192.0.2.4","subnet":"10.244.7.0/24"}]}
        """;

    private static SubnetFile Parse(string json, int code = ErrorCode.TryAgainLater) => SubnetFile.Parse(Encoding.UTF8.GetBytes(json), "/run/cni-overlay/pods.json", code);

    [Fact]
    public void A_file_gives_the_subnet_vni_mtu_cluster_range_and_peers()
    {
        var f = Parse(Good);
        Assert.Equal("10.244.3.0/24", f.SubnetCidr.ToString());
        Assert.Equal(400, f.Vni);
        Assert.Equal(1450, f.Mtu);
        Assert.Equal("10.244.0.0/16", f.ClusterCidrValue.ToString());
        Assert.Equal(["192.0.2.2 10.244.2.0/24", "192.0.2.4 10.244.7.0/24"], f.PeerList.Select(p => $"{p.Underlay} {p.Subnets.Single()}"));
    }

    [Fact]
    public void The_shape_the_issue_names_parses_without_a_cluster_range()
    {
        var f = Parse("""{"network":"pods","subnet":"10.244.3.0/24","mtu":1450,"vni":400,"peers":[{"underlay":"192.0.2.2","subnet":"10.244.2.0/24"}]}""");
        Assert.Null(f.ClusterCidrValue);
        Assert.Single(f.PeerList);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"subnet":"10.244.3.5/24","vni":1}""", "is not a network address")]
    [InlineData("""{"subnet":"10.244.3.0","vni":1}""", "is not a network address")]
    [InlineData("""{"subnet":"10.244.3.0/24","vni":0}""", "invalid vni 0")]
    [InlineData("""{"subnet":"10.244.3.0/24","vni":1,"mtu":-1}""", "invalid mtu")]
    [InlineData("""{"subnet":"10.244.3.0/24","vni":1,"peers":[{"underlay":"x","subnet":"10.244.2.0/24"}]}""", "peer x 10.244.2.0/24")]
    [InlineData("""{"subnet":"10.244.3.0/24","vni":1,"clusterCidr":"10.244.0.1/16"}""", "clusterCidr")]
    public void A_bad_file_is_the_callers_code_naming_the_file(string json, string message)
    {
        var e = Assert.Throws<CniException>(() => Parse(json, ErrorCode.PluginNotAvailable));
        Assert.Equal(ErrorCode.PluginNotAvailable, e.Code);
        Assert.Contains("/run/cni-overlay/pods.json", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_missing_file_is_the_callers_code_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "cnit-no-such-dir-" + Guid.NewGuid().ToString("N"), "pods.json");
        var e = Assert.Throws<CniException>(() => SubnetFile.Read(path, ErrorCode.TryAgainLater));
        Assert.Equal(ErrorCode.TryAgainLater, e.Code);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Write_then_read_round_trips_and_leaves_no_scratch_file()
    {
        string dir = Directory.CreateTempSubdirectory("cnit-subnetfile-").FullName;
        try
        {
            string path = Path.Combine(dir, "pods.json");
            Parse(Good).Write(path);
            var again = SubnetFile.Read(path, ErrorCode.TryAgainLater);
            Assert.Equal("10.244.3.0/24", again.Subnet);
            Assert.Equal(2, again.PeerList.Count);
            Assert.Equal(["pods.json"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_subnet_becomes_ipams_range_when_ipam_names_none()
    {
        byte[] stdin = Encoding.UTF8.GetBytes("""{"name":"pods","ipam":{"type":"host-local","dataDir":"/d"}}""");
        var root = JsonNode.Parse(SubnetFileMode.InjectRange(stdin, CidrAddress.Parse("10.244.3.0/24")))!;
        Assert.Equal("10.244.3.0/24", (string?)root["ipam"]!["ranges"]![0]![0]!["subnet"]);
        Assert.Equal("/d", (string?)root["ipam"]!["dataDir"]);
    }

    [Theory]
    [InlineData("""{"name":"pods","ipam":{}}""", """{"name":"pods","ipam":{"ranges":[[{"subnet":"10.244.3.0/24"}]]}}""")]
    [InlineData("""{"ipam":{"type":"host-local"}, "IPAM" : { "type" : "host-local" } , "x":1}""",
        """{"ipam":{"type":"host-local"}, "IPAM" : { "type" : "host-local" ,"ranges":[[{"subnet":"10.244.3.0/24"}]]} , "x":1}""")]
    public void The_range_is_spliced_into_the_ipam_that_counts_and_every_other_byte_stays(string json, string expected)
    {
        byte[] injected = SubnetFileMode.InjectRange(Encoding.UTF8.GetBytes(json), CidrAddress.Parse("10.244.3.0/24"));
        Assert.Equal(expected, Encoding.UTF8.GetString(injected));
    }

    [Theory]
    [InlineData("""{"name":"pods","ipam":{"type":"host-local","Subnet":"10.9.0.0/24"}}""")]
    [InlineData("""{"name":"pods","ipam":{"type":"host-local","ranges":[]},"ipam":null}""")]
    public void Ipam_keys_count_in_any_case_and_an_ipam_that_is_no_object_gets_no_range(string json)
    {
        byte[] stdin = Encoding.UTF8.GetBytes(json);
        Assert.Same(stdin, SubnetFileMode.InjectRange(stdin, CidrAddress.Parse("10.244.3.0/24")));
    }

    [Theory]
    [InlineData("""{"name":"pods","ipam":{"type":"host-local","subnet":"10.9.0.0/24"}}""")]
    [InlineData("""{"name":"pods","ipam":{"type":"host-local","ranges":[[{"subnet":"10.9.0.0/24"}]]}}""")]
    public void An_ipam_range_of_the_config_is_kept(string json)
    {
        byte[] stdin = Encoding.UTF8.GetBytes(json);
        Assert.Same(stdin, SubnetFileMode.InjectRange(stdin, CidrAddress.Parse("10.244.3.0/24")));
    }

    private static VxlanConfig Conf(string extra) =>
        VxlanConfig.Parse(Encoding.UTF8.GetBytes($$$"""{"cniVersion":"1.0.0","name":"pods","type":"vxlan","mode":"l3","subnetFile":"/f"{{{extra}}},"ipam":{"type":"host-local"}}"""));

    [Fact]
    public void The_files_vni_and_mtu_win_when_the_config_leaves_them_out()
    {
        var conf = Conf("");
        conf.UseSubnetFile(Parse(Good));
        Assert.Equal(400, conf.Vni);
        Assert.Equal(1450, conf.Mtu);
        Assert.Equal("vxlan400", conf.DeviceName);
        Assert.True(conf.AgentOwnsPeers);
        Assert.Equal(2, conf.PeerList.Count);
    }

    [Theory]
    [InlineData(""","vni":401""", "vni 401 differs from 400")]
    [InlineData(""","mtu":1400""", "mtu 1400 differs from 1450")]
    public void A_config_that_differs_from_the_file_is_code_7(string extra, string message)
    {
        var conf = Conf(extra);
        var e = Assert.Throws<CniException>(() => conf.UseSubnetFile(Parse(Good)));
        Assert.Equal(ErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"p","type":"vxlan","vni":1,"subnetFile":"/f"}""", "subnetFile is for l3 mode")]
    [InlineData("""{"cniVersion":"1.0.0","name":"p","type":"vxlan","mode":"l3","subnetFile":"/f","peers":[{"underlay":"192.0.2.2","subnet":"10.1.0.0/24"}],"ipam":{"type":"host-local"}}""", "peers and subnetFile")]
    public void Subnet_file_misuse_is_code_7(string json, string message)
    {
        var e = Assert.Throws<CniException>(() => VxlanConfig.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(ErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains(message, e.Message);
    }
}
