using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Overlay;

/// <summary>
/// overlay-agent against a real etcd: hosts lease subnets, learn each other, and containers added by the vxlan
/// plugin in subnetFile mode reach each other across hosts; failures of agents and of etcd behave as documented.
/// </summary>
public sealed class OverlayAgentTests
{
    private static void SkipUnlessReady()
    {
        Skip.IfNot(OverlayLab.HasEtcd, "etcd-server and etcd-client are not installed (scripts/deps.sh installs them)");
        Skip.IfNot(File.Exists(OverlayLab.AgentBinary), "overlay-agent is not built (scripts/build.sh)");
        Skip.IfNot(OverlayLab.HasVxlan, "this kernel has no vxlan module");
    }

    private static OverlayLab Cluster(int hosts, int leaseTtl = 60)
    {
        var lab = new OverlayLab();
        try
        {
            for (int n = 1; n <= hosts; n++)
            {
                lab.AddHost(n);
                lab.StartAgent(n, leaseTtl);
            }

            for (int n = 1; n <= hosts; n++)
            {
                lab.WaitForSubnet(n);
            }

            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private static bool HasRouteTo(TestNetns host, string subnet) =>
        host.Ip("route", "show", subnet).Stdout.Contains("vxlan" + OverlayLab.Vni, StringComparison.Ordinal);

    [SkippableFact]
    public void Containers_on_three_hosts_ping_each_other_and_a_fourth_host_is_reachable_within_3_s()
    {
        SkipUnlessReady();
        using var lab = Cluster(3);
        var subnets = Enumerable.Range(1, 3).Select(lab.Subnet).ToList();
        Assert.Equal(3, subnets.Distinct().Count());
        Assert.True(OverlayLab.Poll(() => HasRouteTo(lab.Hosts[OverlayLab.Node(1)], subnets[2]!) && HasRouteTo(lab.Hosts[OverlayLab.Node(3)], subnets[0]!), TimeSpan.FromSeconds(10)));

        var ctrs = Enumerable.Range(1, 3).Select(lab.AddContainer).ToList();
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                if (a != b)
                {
                    Assert.True(ctrs[a].Ns.Ping(ctrs[b].Ip), $"container on node{a + 1} cannot ping {ctrs[b].Ip} on node{b + 1}");
                }
            }
        }

        lab.AddHost(4);
        lab.StartAgent(4);
        lab.WaitForSubnet(4);
        var fourth = lab.AddContainer(4);
        Assert.True(OverlayLab.Poll(() => OverlayLab.PingOnce(ctrs[0].Ns, fourth.Ip) && OverlayLab.PingOnce(ctrs[2].Ns, fourth.Ip), TimeSpan.FromSeconds(3)),
            $"the fourth host's container {fourth.Ip} was not reachable within 3 s");
    }

    [SkippableFact]
    public void A_killed_agents_routes_go_when_its_lease_expires_and_a_restart_gets_the_same_subnet()
    {
        SkipUnlessReady();
        using var lab = Cluster(3, leaseTtl: 3);
        string subnet2 = lab.Subnet(2)!;
        var h1 = lab.Hosts[OverlayLab.Node(1)];
        var h3 = lab.Hosts[OverlayLab.Node(3)];
        lab.Await(() => HasRouteTo(h1, subnet2) && HasRouteTo(h3, subnet2), TimeSpan.FromSeconds(10), "node2's subnet was not learnt");

        lab.KillAgent(2);
        lab.Await(() => !HasRouteTo(h1, subnet2) && !HasRouteTo(h3, subnet2), TimeSpan.FromSeconds(20), "node2's route did not go after its lease expired");
        Assert.DoesNotContain(subnet2.Split('/')[0] + " ", h1.Ip("neigh", "show", "dev", "vxlan" + OverlayLab.Vni).Stdout);
        Assert.Equal(0, lab.Etcdctl("get", "--prefix", "--keys-only", "/cni-overlay/pods/subnets/" + subnet2.Replace('/', '-')).Stdout.Trim().Length);

        File.Delete(lab.StateFile(2)); // the subnet must come back from etcd's nodes/ record, not from the file
        lab.StartAgent(2, leaseTtl: 3);
        lab.Await(() => lab.Subnet(2) is not null, TimeSpan.FromSeconds(20), "the restarted agent wrote no state file");
        Assert.Equal(subnet2, lab.Subnet(2));
        lab.Await(() => HasRouteTo(h1, subnet2) && HasRouteTo(h3, subnet2), TimeSpan.FromSeconds(10), "the restarted node was not learnt again");
    }

    [SkippableFact]
    public void Sigterm_leaves_the_kernel_state_and_the_lease()
    {
        SkipUnlessReady();
        using var lab = Cluster(2);
        var h1 = lab.Hosts[OverlayLab.Node(1)];
        string subnet2 = lab.Subnet(2)!;
        Assert.True(OverlayLab.Poll(() => HasRouteTo(h1, subnet2), TimeSpan.FromSeconds(10)));
        lab.TermAgent(1);
        lab.TermAgent(2);
        Assert.True(lab.AgentExited(1));
        Assert.True(HasRouteTo(h1, subnet2));
        Assert.Contains("/cni-overlay/pods/subnets/", lab.Etcdctl("get", "--prefix", "--keys-only", "/cni-overlay/pods/subnets/").Stdout);
        Assert.Contains("SIGTERM", File.ReadAllText(lab.AgentLog(1)));
    }

    [SkippableFact]
    public void With_etcd_stopped_traffic_flows_and_after_it_returns_a_new_host_joins()
    {
        SkipUnlessReady();
        using var lab = Cluster(2);
        var c1 = lab.AddContainer(1);
        var c2 = lab.AddContainer(2);
        Assert.True(c1.Ns.Ping(c2.Ip));

        lab.StopEtcd();
        Assert.True(OverlayLab.Poll(() => File.ReadAllText(lab.AgentLog(1)).Contains("watch interrupted", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        Assert.True(c1.Ns.Ping(c2.Ip), "traffic stopped while etcd was down");
        Assert.True(c2.Ns.Ping(c1.Ip));

        lab.StartEtcd();
        lab.AddHost(3);
        lab.StartAgent(3);
        lab.WaitForSubnet(3);
        var c3 = lab.AddContainer(3);
        Assert.True(OverlayLab.Poll(() => OverlayLab.PingOnce(c1.Ns, c3.Ip) && OverlayLab.PingOnce(c3.Ns, c2.Ip), TimeSpan.FromSeconds(15)),
            "the host that joined after etcd came back is not reachable");
    }

    [SkippableFact]
    public void Twenty_agents_started_at_once_get_twenty_distinct_subnets()
    {
        SkipUnlessReady();
        using var lab = new OverlayLab();
        for (int n = 1; n <= 20; n++)
        {
            lab.AddHost(n);
        }

        for (int n = 1; n <= 20; n++)
        {
            lab.StartAgent(n);
        }

        var subnets = Enumerable.Range(1, 20).Select(lab.WaitForSubnet).ToList();
        Assert.Equal(20, subnets.Distinct().Count());
        var keys = lab.Etcdctl("get", "--prefix", "--keys-only", "/cni-overlay/pods/subnets/").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, keys.Length);
    }

    [SkippableFact]
    public void Leave_removes_a_nodes_records_and_its_routes_elsewhere()
    {
        SkipUnlessReady();
        using var lab = Cluster(2);
        var h1 = lab.Hosts[OverlayLab.Node(1)];
        string subnet2 = lab.Subnet(2)!;
        Assert.True(OverlayLab.Poll(() => HasRouteTo(h1, subnet2), TimeSpan.FromSeconds(10)));
        lab.TermAgent(2);
        lab.Hosts[OverlayLab.Node(2)].Exec(OverlayLab.AgentBinary, "leave", "--etcd-endpoints", lab.Endpoint, "--network", OverlayLab.Network, "--node", OverlayLab.Node(2))
            .EnsureSuccess("leave");
        Assert.True(OverlayLab.Poll(() => !HasRouteTo(h1, subnet2), TimeSpan.FromSeconds(10)));
        Assert.Equal("", lab.Etcdctl("get", "--prefix", "--keys-only", "/cni-overlay/pods/nodes/node2").Stdout.Trim());
    }
}
