using CniPlugins.Conformance.Bridge;
using CniPlugins.Conformance.Infrastructure;
using CniPlugins.Conformance.Portmap;
using CniPlugins.Conformance.Reliability;
using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// podman 4.3 (CNI backend, crun) runs containers on a bridge network of ours, portmap chained, with bin/ as its
/// only plugin dir. podman validates the network (VERSION of each plugin), sends
/// <c>CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=...</c>, hands <c>-p</c> to portmap as the <c>portMappings</c>
/// capability, caches the result in libcni's cache, and tears down through DEL on <c>podman rm</c> and
/// <c>run --rm</c>. The published port is asked from a machine of the "LAN" at the host's address.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class PodmanTests
{
    private const string Net = "cnitpod";
    private const string HostIp = "192.168.78.1";
    private const int HostPort = 8080;

    /// <summary>The first container's server: busybox nc answering each connection on port 80.</summary>
    private static readonly string[] Server = ["sh", "-c", "while true; do echo published | nc -l -p 80; done"];

    [SkippableTheory]
    [InlineData("1.0.0")]
    [InlineData("0.4.0")]
    public void Podman_runs_two_containers_on_our_bridge_publishes_a_port_and_rm_tears_down(string version)
    {
        string? why = PodmanLab.Missing;
        Skip.If(why is not null, why);
        using var lab = new PodmanLab(Net, l => $$$"""
            {"cniVersion":"{{{version}}}","name":"{{{Net}}}","plugins":[
              {"type":"bridge","bridge":"cnitpod0","isGateway":true,"ipMasq":true,
               "ipam":{"type":"host-local","ranges":[[{"subnet":"10.89.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],
                       "dataDir":"{{{l.DataDir}}}","indexDir":"{{{l.IndexDir}}}"}},
              {"type":"portmap","capabilities":{"portMappings":true}}
            ]}
            """);
        using var lan = new TestNetns("lan");
        lab.Host.Cable("lan0", lan, "eth0", [HostIp + "/24"], ["192.168.78.2/24"]);

        var run = lab.Podman(["run", "-d", "--name", "c1", "--network", Net, "-p", $"{HostPort}:80", PodmanLab.Image, .. Server]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        string id = run.Stdout.Trim();
        string ip = lab.Podman("inspect", "c1", "--format", $"{{{{.NetworkSettings.Networks.{Net}.IPAddress}}}}")
            .EnsureSuccess("podman inspect").Stdout.Trim();
        Assert.StartsWith("10.89.0.", ip);

        // Our host-local holds the address for podman's container id; our bridge put a veth on cnitpod0.
        var held = Leaks.Store(lab.DataDir).Reservations;
        Assert.Equal($"{Net}/{ip}", Assert.Single(held).Key);
        Assert.StartsWith(id + " eth0", Assert.Single(held).Value);
        Assert.Single(Leaks.HostLinks(lab.Host, "cnitpod0", "lan0"), l => l.EndsWith("(veth)", StringComparison.Ordinal));
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

        // The published port answers a client on the LAN at the host's address: portmap's DNAT, through the bridge.
        Assert.Equal("published", PortmapLab.Ask(lan, "tcp", HostIp, HostPort));
        Assert.Contains(PortmapRules(lab), r => r.Contains(id, StringComparison.Ordinal));

        var rm = lab.Podman("rm", "--force", "--time", "0", "c1");
        Assert.True(rm.ExitCode == 0, rm.Stderr);
        Assert.Empty(lab.Podman("ps", "--all", "--quiet").EnsureSuccess("podman ps").Stdout.Trim());

        // DEL undid everything: no reservation, no veth, no rule, no cached result, no namespace of podman's.
        var store = Leaks.Store(lab.DataDir);
        Assert.Empty(store.Reservations);
        Assert.Empty(store.Leftovers);
        Assert.Empty(Leaks.HostLinks(lab.Host, "cnitpod0", "lan0"));
        Assert.NotNull(BridgeLab.Link(lab.Host, "cnitpod0"));
        Assert.Equal("", PortmapLab.Ask(lan, "tcp", HostIp, HostPort, attempts: 2));
        Assert.DoesNotContain(PortmapRules(lab), r => r.Contains(id, StringComparison.Ordinal));
        Assert.All(Leaks.FirewallLeaks(lab.Host), f => Assert.Contains("CNI-HOSTPORT-", f, StringComparison.Ordinal));
        Assert.Empty(lab.CachedResults());
        Assert.Empty(lab.PodmanNetns());
    }

    /// <summary>The host's portmap rules (the DNAT chain portmap shares between containers names each by its id).</summary>
    private static string[] PortmapRules(PodmanLab lab) =>
        lab.Host.Exec("iptables", "-w", "-t", "nat", "-S", "CNI-HOSTPORT-DNAT").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
