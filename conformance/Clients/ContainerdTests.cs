using CniPlugins.Conformance.Reliability;
using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// containerd 1.6 itself: <c>ctr run --cni</c> sets up loopback and containerd's default conflist (portmap left
/// out until it ships) from /etc/cni/net.d with our bin/ as /opt/cni/bin, and removes the network when a
/// foreground <c>ctr run --rm</c> ends. (ctr never removes the network of a detached <c>-d</c> container, so both
/// containers run in the foreground.)
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class ContainerdTests
{
    [SkippableFact]
    public void Ctr_runs_two_containers_on_containerds_default_network_and_removes_it()
    {
        string? why = ContainerdLab.Missing;
        Skip.If(why is not null, why);
        const string net = "containerd-net";
        using var lab = new ContainerdLab(net, l => $$$"""
            {"cniVersion":"1.0.0","name":"{{{net}}}","plugins":[
              {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,"promiscMode":true,
               "ipam":{"type":"host-local","ranges":[[{"subnet":"10.88.0.0/16"}]],"routes":[{"dst":"0.0.0.0/0"}],
                       "dataDir":"{{{l.DataDir}}}","indexDir":"{{{l.IndexDir}}}"}}
            ]}
            """);

        using var c1 = lab.StartCtr("run", "--rm", "--cni", ContainerdLab.Image, "c1", "sleep", "600");
        string? ip = null;
        for (int i = 0; i < 3000 && !c1.HasExited && ip is null; i++)
        {
            ip = Leaks.Store(lab.DataDir).Reservations.Keys.Select(k => k.Split('/')[1]).FirstOrDefault();
            Thread.Sleep(20);
        }

        Assert.True(ip is not null, "c1 got no address: " + (c1.HasExited ? c1.StandardError.ReadToEnd() : "still running"));
        ClientLab.AssertOurHostLocalRan(lab.IndexDir, net);
        for (int i = 0; i < 3000 && Leaks.HostLinks(lab.Host, "cni0").Count == 0; i++)
        {
            Thread.Sleep(20);
        }

        var ping = lab.Ctr("run", "--rm", "--cni", ContainerdLab.Image, "c2", "ping", "-c", "2", "-W", "2", ip!);
        Assert.True(ping.ExitCode == 0, ping.Stdout + ping.Stderr);
        Assert.Contains("2 packets received", ping.Stdout);
        Assert.Single(Leaks.Store(lab.DataDir).Reservations);

        lab.Ctr("tasks", "kill", "--signal", "SIGKILL", "c1").EnsureSuccess("ctr tasks kill");
        Assert.True(c1.WaitForExit(TimeSpan.FromMinutes(1)), "ctr run c1 did not end");
        Assert.Empty(lab.Ctr("containers", "ls", "--quiet").EnsureSuccess("ctr containers ls").Stdout.Trim());

        var store = Leaks.Store(lab.DataDir);
        Assert.Empty(store.Reservations);
        Assert.Empty(store.Leftovers);
        Assert.Empty(Leaks.HostLinks(lab.Host, "cni0"));
        Assert.Empty(Leaks.FirewallLeaks(lab.Host));
        Assert.Empty(lab.CachedResults());
    }
}
