using System.Diagnostics;
using CniPlugins.Conformance.Infrastructure;
using CniPlugins.Conformance.Portmap;
using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// containerd's default conflist as it ships, portmap chained after bridge, with a port published the way each
/// runtime asks for it (the <c>portMappings</c> capability arg): a client on another machine of the "LAN" reaches
/// a server in the container through the host's address, and after DEL nothing answers and no rule names the
/// container. The shared <c>CNI-HOSTPORT-*</c> chains stay, as the reference leaves them.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class PublishedPortTests
{
    private const string HostIp = "192.168.79.1", ClientIp = "192.168.79.2";
    private const int HostPort = 8080, ContainerPort = 80;

    /// <summary>The container's part of portmap's DNAT comment as <c>iptables -S</c> prints it (inner quotes escaped).</summary>
    private const string DnatComment = "id: \\\"c1\\\"";

    [SkippableTheory]
    [InlineData(Client.Libcni, "1.0.0")]
    [InlineData(Client.Libcni, "0.4.0")]
    [InlineData(Client.Gocni, "1.0.0")]
    [InlineData(Client.Gocni, "0.4.0")]
    public void Containerd_default_network_with_portmap_publishes_a_port(Client client, string version)
    {
        GoClient.SkipIfMissing();
        using var lab = new ClientLab(client);
        var network = new ContainerdDefaultNetwork();
        string conflist = network.Conflist(lab, version, capabilities: false)
            .Replace("\n]}", ",\n  {\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"snat\":true}\n]}", StringComparison.Ordinal);
        Assert.Contains("\"portmap\"", conflist);
        lab.WriteConflist(network.Name, conflist);

        var lan = lab.NewNamespace("lan");
        lab.Host.Cable("lan0", lan, "eth0", [HostIp + "/24"], [ClientIp + "/24"]);

        var ctr = lab.NewContainer(loopbackUp: true);
        string mappings = $$"""[{"hostPort":{{HostPort}},"containerPort":{{ContainerPort}},"protocol":"tcp"}]""";
        lab.Add("c1", ctr, "-args", "IgnoreUnknown=1", "-portmappings", mappings);
        using var server = Serve(ctr, "published");
        try
        {
            Assert.Equal("published", PortmapLab.Ask(lan, "tcp", HostIp, HostPort));
            Assert.Contains(Dnat(lab), r => r.Contains(DnatComment, StringComparison.Ordinal));

            var del = lab.Run("del", "c1", ctr.Path, "-args", "IgnoreUnknown=1", "-portmappings", mappings);
            Assert.True(del.ExitCode == 0, del.Stderr);
            Assert.Equal("", PortmapLab.Ask(lan, "tcp", HostIp, HostPort, attempts: 2));
            Assert.DoesNotContain(Dnat(lab), r => r.Contains(DnatComment, StringComparison.Ordinal));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(5000);
        }
    }

    /// <summary>A socat server in the container answering each TCP connection on the container port with <paramref name="reply"/>.</summary>
    private static Process Serve(TestNetns ctr, string reply)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", ctr.Name, "socat", $"TCP4-LISTEN:{ContainerPort},fork,reuseaddr", $"SYSTEM:echo {reply}" })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    /// <summary>The host's portmap DNAT rules (the chain portmap shares between containers).</summary>
    private static string[] Dnat(ClientLab lab) =>
        lab.Host.Exec("iptables", "-w", "-t", "nat", "-S", "CNI-HOSTPORT-DNAT").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
