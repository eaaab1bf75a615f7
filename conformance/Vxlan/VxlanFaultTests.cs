using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>DEL in every state of decay, ADDs racing for the shared devices, and bad input: nothing half-made is left.</summary>
public sealed class VxlanFaultTests
{
    private const int Vni = 42;
    private const string Net = "vx42";

    private static string WithPrev(string conf, string result) => conf[..^1] + ",\"prevResult\":" + result + "}";

    private static string[] HostVeths(VxlanHost h) => VxlanLab.LinksOfKind(h.Ns, "veth").Where(n => n != "eth0").ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Del_twice_removes_the_container_side_and_keeps_the_shared_devices(bool withPrev)
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        var c = h.Join(lab.L2Conf(h, Vni));
        Assert.Equal(["eth0"], VxlanLab.Links(c.Ns));
        Assert.Single(HostVeths(h));
        Assert.Equal([c.Ip], h.ReservedIps(Net));

        string conf = withPrev ? WithPrev(c.Conf, c.Added.Stdout) : c.Conf;
        for (int i = 0; i < 2; i++)
        {
            var del = h.Run(c.Call.As("DEL"), conf);
            Assert.True(del.Success, $"DEL #{i + 1}: {del}");
            Assert.Equal("", del.Stdout);
        }

        Assert.Empty(VxlanLab.Links(c.Ns));
        Assert.Empty(HostVeths(h));
        Assert.Empty(h.ReservedIps(Net));
        // Like bridge's cni0, the network's devices stay for the next container.
        Assert.Equal(["eth0", "vxbr42", "vxlan42"], VxlanLab.Links(h.Ns));
    }

    [Fact]
    public void Del_after_the_namespace_was_deleted_releases_the_address()
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        var c = h.Join(lab.L2Conf(h, Vni));
        string stored = Path.Combine(h.DataDir, Net, c.Ip);
        Assert.True(File.Exists(stored), stored);

        c.Ns.Dispose();
        var del = h.Run(c.Call.As("DEL"), WithPrev(c.Conf, c.Added.Stdout));
        Assert.True(del.Success, del.ToString());
        Assert.False(File.Exists(stored), $"{stored} still reserved");
        Assert.Empty(h.ReservedIps(Net));

        // And once more, as a runtime retrying would.
        var again = h.Run(c.Call.As("DEL"), c.Conf);
        Assert.True(again.Success, again.ToString());
    }

    [Fact]
    public async Task Concurrent_adds_on_one_host_make_the_shared_devices_once()
    {
        const int n = 6;
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        string conf = lab.L2Conf(h, Vni);
        var spaces = Enumerable.Range(0, n).Select(_ => h.NewContainerNs()).ToArray();

        var outcomes = await Task.WhenAll(spaces.Select(ns => Task.Run(() => h.Run(CniCall.Add(ns.Name, ns.Path), conf))));
        Assert.All(outcomes, o => Assert.True(o.Success, o.ToString()));

        Assert.Equal(["vxbr42"], VxlanLab.LinksOfKind(h.Ns, "bridge"));
        Assert.Equal(["vxlan42"], VxlanLab.LinksOfKind(h.Ns, "vxlan"));
        Assert.Equal("vxbr42", (string?)VxlanLab.Link(h.Ns, "vxlan42")!["master"]);
        var veths = HostVeths(h);
        Assert.Equal(n, veths.Length);
        Assert.All(veths, v => Assert.Equal("vxbr42", (string?)VxlanLab.Link(h.Ns, v)!["master"]));
        Assert.Equal(["10.60.0.1/24"], BridgeLab.Addresses(h.Ns, "vxbr42"));
        Assert.Equal([$"00:00:00:00:00:00 {lab[2].Ip} self permanent"], VxlanLab.FloodEntries(h.Ns, "vxlan42"));

        var ips = outcomes.Select(o => ((string)o.Json!["ips"]![0]!["address"]!).Split('/')[0]).ToArray();
        Assert.Equal(n, ips.Distinct().Count());
        Assert.Equal(ips.Order(), h.ReservedIps(Net));
        Assert.True(VxlanLab.Reaches(spaces[0], ips[^1]), $"{ips[0]} -> {ips[^1]}");
    }

    public static TheoryData<string, string> ForeignDevices => new()
    {
        { "another VNI", "id 43 dstport 4789 local 10.99.0.1" },
        { "another port", "id 42 dstport 8472 local 10.99.0.1" },
        { "another local address", "id 42 dstport 4789 local 10.99.0.77" },
    };

    [Theory]
    [MemberData(nameof(ForeignDevices))]
    public void An_existing_device_with_other_parameters_is_refused_and_nothing_made(string what, string args)
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        h.Ns.Ip(["link", "add", "vxlan42", "type", "vxlan", .. args.Split(' '), "dev", "eth0"]).EnsureSuccess("foreign vxlan");
        string before = VxlanLab.Link(h.Ns, "vxlan42")!["linkinfo"]!.ToJsonString();
        var ctr = h.NewContainerNs();

        var add = h.Run(CniCall.Add("c1", ctr.Path), lab.L2Conf(h, Vni));
        Assert.Equal(7, add.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(add.ErrorMessage), what);
        Assert.Contains("vxlan42", add.ErrorMessage);

        Assert.Empty(VxlanLab.Links(ctr));
        Assert.Equal(["eth0", "vxlan42"], VxlanLab.Links(h.Ns));
        Assert.Equal(before, VxlanLab.Link(h.Ns, "vxlan42")!["linkinfo"]!.ToJsonString());
        Assert.Empty(h.ReservedIps(Net));
    }

    public static TheoryData<string> BadConfigs => new()
    {
        "vni 0", "vni 2^24", "vni missing", "peer not an address", "l3 peer subnet overlapping the host's",
        "unknown underlay interface", "unknown mode", "peers and group together", "mtu above the underlay's less 50",
    };

    private static string BadConf(VxlanLab lab, VxlanHost h, string what) => what switch
    {
        "vni 0" => lab.L2Conf(h, 0),
        "vni 2^24" => lab.L2Conf(h, 16777216),
        "vni missing" => h.Conf(Net, "\"peers\":[\"10.99.0.2\"]", "\"subnet\":\"10.60.0.0/24\""),
        "peer not an address" => h.Conf(Net, "\"vni\":42,\"peers\":[\"10.99.0.2\",\"host-two\"]", "\"subnet\":\"10.60.0.0/24\""),
        "l3 peer subnet overlapping the host's" => h.Conf(Net,
            "\"mode\":\"l3\",\"vni\":42,\"peers\":[{\"underlay\":\"10.99.0.2\",\"subnet\":\"10.70.1.128/25\"}]", "\"subnet\":\"10.70.1.0/24\""),
        "unknown underlay interface" => lab.L2Conf(h, Vni, "\"underlayInterface\":\"nosuch0\""),
        "unknown mode" => lab.L2Conf(h, Vni, "\"mode\":\"l4\""),
        "peers and group together" => lab.L2Conf(h, Vni, "\"group\":\"239.1.1.1\""),
        "mtu above the underlay's less 50" => lab.L2Conf(h, Vni, "\"mtu\":1451"),
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_config_is_refused_with_code_7_and_nothing_made(string what)
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        var ctr = h.NewContainerNs();
        var add = h.Run(CniCall.Add("c1", ctr.Path), BadConf(lab, h, what));
        Assert.True(add.ErrorCode == 7, $"{what}: {add}");
        Assert.False(string.IsNullOrWhiteSpace(add.ErrorMessage), what);
        Assert.Empty(VxlanLab.Links(ctr));
        Assert.Equal(["eth0"], VxlanLab.Links(h.Ns));
        Assert.Empty(h.ReservedIps(Net));
        Assert.Empty(h.ReservedIps("vx0"));
    }

    [Fact]
    public void A_good_config_beside_the_bad_ones_is_accepted()
    {
        // The control for the refusals above: the same lab, host and names, with the keys right.
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        h.Join(h.Conf(Net, "\"vni\":42,\"peers\":[\"10.99.0.2\"],\"underlayInterface\":\"eth0\",\"mode\":\"l2\",\"mtu\":1450", "\"subnet\":\"10.60.0.0/24\""));
        h.Join(h.Conf("vx43",
            "\"mode\":\"l3\",\"vni\":43,\"peers\":[{\"underlay\":\"10.99.0.2\",\"subnet\":\"10.70.2.0/24\"}]", "\"subnet\":\"10.70.1.0/24\""));
        Assert.Equal(["eth0", "vxbr42", "vxbr43", "vxlan42", "vxlan43"], VxlanLab.Links(h.Ns).Where(n => !n.StartsWith("veth", StringComparison.Ordinal)));
    }
}
