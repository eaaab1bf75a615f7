using CniPlugins.Conformance.Bridge;
using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>The lab itself, before any plugin runs: the "machines" reach each other over the underlay, and only there.</summary>
public sealed class VxlanLabTests
{
    [Fact]
    public void Hosts_reach_each_other_over_the_underlay_in_both_families()
    {
        using var lab = new VxlanLab(hosts: 3);
        foreach (var h in lab.Hosts)
        {
            Assert.Equal(["10.99.0.0/24 via  dev eth0", "default via 10.99.0.254 dev eth0"], BridgeLab.Routes(h.Ns));
            foreach (var other in lab.Hosts.Where(o => o != h))
            {
                Assert.True(VxlanLab.Reaches(h.Ns, other.Ip), $"{h} -> {other.Ip}");
                Assert.True(VxlanLab.Reaches(h.Ns, other.Ip6), $"{h} -> {other.Ip6}");
            }
        }

        // The underlay is a switch and a gateway address, not a router: nothing leaves the lab through it.
        Assert.Equal("0", lab.Underlay.Sysctl("net.ipv4.ip_forward"));
        Assert.Equal("0", (string?)VxlanLab.Link(lab.Underlay, VxlanLab.UnderlayBridge)!["linkinfo"]!["info_data"]!["mcast_snooping"]!.ToString());
    }

    [Fact]
    public void Dispose_removes_every_namespace_and_store()
    {
        string[] names;
        string[] dirs;
        using (var lab = new VxlanLab(hosts: 2))
        {
            var h = lab[1];
            h.NewContainerNs();
            names = [lab.Underlay.Name, .. lab.Hosts.Select(x => x.Ns.Name)];
            dirs = lab.Hosts.Select(x => x.DataDir).ToArray();
        }

        string list = Infrastructure.Shell.Ip("netns", "list").Stdout;
        Assert.All(names, n => Assert.DoesNotContain(n, list));
        Assert.All(dirs, d => Assert.False(Directory.Exists(d)));
    }
}
