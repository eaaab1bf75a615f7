using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Reliability;
using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// podman 4.3 (CNI backend, crun) runs containers on a bridge network of ours with bin/ as its only plugin dir.
/// podman validates the network (VERSION of each plugin), sends <c>CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=...</c>,
/// caches the result in libcni's cache, and tears down through DEL on <c>podman rm</c> and <c>run --rm</c>.
/// Publishing a port (<c>-p</c>) is left out: podman hands port mappings to the plugin with the
/// <c>portMappings</c> capability, which is portmap, and portmap is not shipped yet; with it the conflist chains
/// portmap after bridge, the first container serves with busybox httpd under <c>-p</c>, and a client in the host
/// namespace fetches from the published port.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class PodmanTests
{
    private const string Net = "cnitpod";

    [SkippableTheory]
    [InlineData("1.0.0")]
    [InlineData("0.4.0")]
    public void Podman_runs_two_containers_on_our_bridge_and_rm_tears_down(string version)
    {
        string? why = PodmanLab.Missing;
        Skip.If(why is not null, why);
        using var lab = new PodmanLab(Net, l => $$$"""
            {"cniVersion":"{{{version}}}","name":"{{{Net}}}","plugins":[
              {"type":"bridge","bridge":"cnitpod0","isGateway":true,"ipMasq":true,
               "ipam":{"type":"host-local","ranges":[[{"subnet":"10.89.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],
                       "dataDir":"{{{l.DataDir}}}","indexDir":"{{{l.IndexDir}}}"}}
            ]}
            """);

        var run = lab.Podman("run", "-d", "--name", "c1", "--network", Net, PodmanLab.Image, "sleep", "600");
        Assert.True(run.ExitCode == 0, run.Stderr);
        string id = run.Stdout.Trim();
        string ip = lab.Podman("inspect", "c1", "--format", $"{{{{.NetworkSettings.Networks.{Net}.IPAddress}}}}")
            .EnsureSuccess("podman inspect").Stdout.Trim();
        Assert.StartsWith("10.89.0.", ip);

        // Our host-local holds the address for podman's container id; our bridge put a veth on cnitpod0.
        var held = Leaks.Store(lab.DataDir).Reservations;
        Assert.Equal($"{Net}/{ip}", Assert.Single(held).Key);
        Assert.StartsWith(id + " eth0", Assert.Single(held).Value);
        Assert.Single(Leaks.HostLinks(lab.Host, "cnitpod0"), l => l.EndsWith("(veth)", StringComparison.Ordinal));
        Assert.Equal([$"{Net}-{id}-eth0"], lab.CachedResults());

        ClientLab.AssertOurHostLocalRan(lab.IndexDir, Net);

        // A second container on the network pings the first (its own ADD and, with --rm, its DEL), and the first
        // reaches its gateway on the host side.
        var ping = lab.Podman("run", "--rm", "--network", Net, PodmanLab.Image, "ping", "-c", "2", "-W", "2", ip);
        Assert.True(ping.ExitCode == 0, ping.Stdout + ping.Stderr);
        Assert.Contains("2 packets received", ping.Stdout);
        var gw = lab.Podman("exec", "c1", "ping", "-c", "1", "-W", "2", "10.89.0.1");
        Assert.True(gw.ExitCode == 0, gw.Stdout + gw.Stderr);
        Assert.Single(Leaks.Store(lab.DataDir).Reservations);

        var rm = lab.Podman("rm", "--force", "--time", "0", "c1");
        Assert.True(rm.ExitCode == 0, rm.Stderr);
        Assert.Empty(lab.Podman("ps", "--all", "--quiet").EnsureSuccess("podman ps").Stdout.Trim());

        // DEL undid everything: no reservation, no veth, no rule, no cached result, no namespace of podman's.
        var store = Leaks.Store(lab.DataDir);
        Assert.Empty(store.Reservations);
        Assert.Empty(store.Leftovers);
        Assert.Empty(Leaks.HostLinks(lab.Host, "cnitpod0"));
        Assert.NotNull(BridgeLab.Link(lab.Host, "cnitpod0"));
        Assert.Empty(Leaks.FirewallLeaks(lab.Host));
        Assert.Empty(lab.CachedResults());
        Assert.Empty(lab.PodmanNetns());
    }
}
