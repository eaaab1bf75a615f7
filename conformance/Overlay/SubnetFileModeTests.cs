using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Overlay;

/// <summary>The vxlan plugin in subnetFile mode without an agent: what it says before the file exists, and what it does with one.</summary>
public sealed class SubnetFileModeTests : IDisposable
{
    private readonly TestNetns _host = new("host");
    private readonly TestNetns _ctr = new("ctr");
    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-subnetfile-").FullName;

    public SubnetFileModeTests()
    {
        try
        {
            _host.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p").EnsureSuccess("underlay");
            _host.Ip("link", "set", "eth0p", "up").EnsureSuccess("up");
            _host.Ip("link", "set", "eth0", "up").EnsureSuccess("up");
            _host.Ip("addr", "add", "192.0.2.1/24", "dev", "eth0").EnsureSuccess("address");
        }
        catch
        {
            Dispose(); // xunit does not dispose an instance whose constructor threw
            throw;
        }
    }

    private string File => Path.Combine(_dir, "pods.json");

    private string Conf(string extra = "") =>
        $$$"""{"cniVersion":"1.0.0","name":"pods","type":"vxlan","mode":"l3","underlayInterface":"eth0","subnetFile":"{{{File}}}"{{{extra}}},"ipam":{"type":"host-local","dataDir":"{{{_dir}}}/ipam","indexDir":"{{{_dir}}}/index"}}""";

    private CniOutcome Run(string command, string conf) =>
        Plugin.Exec(Paths.Ours("vxlan"), CniCall.Add("c1", _ctr.Path).As(command), conf, _host);

    [SkippableFact]
    public void A_missing_file_is_code_11_on_add_and_50_on_status_naming_the_file()
    {
        Skip.IfNot(System.IO.File.Exists(Paths.Ours("vxlan")), "vxlan is not built");
        var add = Run("ADD", Conf());
        Assert.Equal(11, add.ErrorCode);
        Assert.Contains(File, add.ErrorMessage);
        Assert.Equal("", _host.Ip("link", "show", "type", "vxlan").Stdout.Trim());

        var status = Run("STATUS", Conf().Replace("\"1.0.0\"", "\"1.1.0\"")); // STATUS is CNI 1.1
        Assert.Equal(50, status.ErrorCode);
        Assert.Contains(File, status.ErrorMessage);
    }

    [SkippableFact]
    public void The_files_subnet_vni_and_peers_are_used_and_a_differing_vni_is_code_7()
    {
        Skip.IfNot(System.IO.File.Exists(Paths.Ours("vxlan")), "vxlan is not built");
        System.IO.File.WriteAllText(File, """{"network":"pods","subnet":"10.244.3.0/24","mtu":1400,"vni":400,"clusterCidr":"10.244.0.0/16","peers":[{"underlay":"192.0.2.2","subnet":"10.244.2.0/24"}]}""");
        Assert.Equal(7, Run("ADD", Conf(""","vni":401""")).ErrorCode);

        // A peer entry the agent added earlier and the file no longer lists stays: the agent owns removals.
        _host.Ip("link", "add", "vxlan400", "type", "vxlan", "id", "400", "dstport", "4789", "local", "192.0.2.1", "dev", "eth0", "nolearning")
            .EnsureSuccess("device");
        _host.Ip("link", "set", "vxlan400", "address", "0a:58:c0:00:02:01", "mtu", "1400", "up").EnsureSuccess("device up");
        _host.Ip("route", "add", "10.244.9.0/24", "via", "10.244.9.0", "dev", "vxlan400", "onlink").EnsureSuccess("foreign route");

        var add = Run("ADD", Conf());
        Assert.True(add.Success, add.ToString());
        Assert.StartsWith("10.244.3.", (string?)add.Json!["ips"]![0]!["address"]);
        Assert.Contains("10.244.0.0/16", add.Stdout);
        Assert.Contains("mtu 1400", _host.Ip("link", "show", "vxlan400").Stdout);
        Assert.Contains("10.244.2.0/24 via 10.244.2.0 dev vxlan400", _host.Ip("route").Stdout);
        Assert.Contains("10.244.9.0/24 via 10.244.9.0 dev vxlan400", _host.Ip("route").Stdout);
        Assert.True(Run("DEL", Conf()).Success);
    }

    public void Dispose()
    {
        _ctr.Dispose();
        _host.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
