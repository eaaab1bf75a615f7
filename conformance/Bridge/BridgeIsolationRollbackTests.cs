using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Bridge;

/// <summary>
/// An ADD that fails after the bridge's isolation rules were written takes them back, unless another container is
/// on the bridge: the rules are shared by all its ports. The failure is an ip6tables-restore that exits 2, so the
/// IPv4 rules are in place when the IPv6 step fails.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BridgeIsolationRollbackTests
{
    private const string Isolated = "\"isGateway\":true,\"isolation\":true";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_failed_add_removes_the_isolation_rules_only_when_no_other_port_is_on_the_bridge(bool otherPort)
    {
        using var lab = new BridgeLab(ours: true);
        if (otherPort)
        {
            // A container on the same bridge, from a network without isolation: a port, but no rules yet.
            var first = lab.Add(lab.NewContainer(), lab.Conf("1.0.0", "\"isGateway\":true"), id: "c0");
            Assert.True(first.Success, first.ToString());
        }

        string fakeDir = Directory.CreateTempSubdirectory("cnit-fake6-").FullName;
        try
        {
            string fake = Path.Combine(fakeDir, "ip6tables-restore");
            File.WriteAllText(fake, "#!/bin/sh\necho \"fake ip6tables-restore: refused\" >&2\nexit 2\n");
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var call = CniCall.Add("c1", lab.NewContainer().Path) with
            {
                Extra = new() { ["PATH"] = $"{fakeDir}:{Environment.GetEnvironmentVariable("PATH")}" },
            };
            var add = lab.Run(call, lab.Conf("1.0.0", Isolated));
            Assert.False(add.Success, add.ToString());
            Assert.Contains("ip6tables-restore exited with 2", add.ErrorMessage);
        }
        finally
        {
            Directory.Delete(fakeDir, recursive: true);
        }

        string filter = lab.Host.Exec("iptables-save", "-t", "filter").EnsureSuccess("iptables-save").Stdout;
        if (otherPort)
        {
            Assert.Contains("-A CNI-ISOLATION-STAGE-2 -o cnitbr0 -j DROP", filter);
            Assert.Single(lab.ReservedIps()); // the failed ADD's address is released, the first container's stays
        }
        else
        {
            Assert.DoesNotContain("CNI-ISOLATION", filter);
            Assert.Empty(lab.ReservedIps());
        }
    }
}
