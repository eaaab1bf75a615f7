using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Vxlan;

/// <summary>STATUS (CNI 1.1): the network is ready only when its underlay is there; then IPAM has its say.</summary>
public sealed class VxlanStatusTests
{
    private static string Status11(string conf) => conf.Replace("\"cniVersion\":\"1.0.0\"", "\"cniVersion\":\"1.1.0\"", StringComparison.Ordinal);

    [Theory]
    [InlineData("", null)]
    [InlineData("\"underlayInterface\":\"eth0\"", null)]
    [InlineData("\"underlayInterface\":\"nosuch0\"", 50)]
    [InlineData("\"localIP\":\"10.99.0.1\"", null)]
    [InlineData("\"localIP\":\"10.99.0.77\"", 50)]
    public void Status_reports_50_when_the_underlay_interface_or_address_is_missing(string extra, int? code)
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        var status = h.Run(new CniCall("STATUS"), Status11(lab.L2Conf(h, 42, extra)));
        Assert.True(code == status.ErrorCode, $"{extra}: {status}");
        if (code is not null)
        {
            Assert.False(string.IsNullOrWhiteSpace(status.ErrorMessage), status.ToString());
        }

        // STATUS makes nothing.
        Assert.Equal(["eth0"], VxlanLab.Links(h.Ns));
    }

    [Fact]
    public void Status_fails_once_the_underlay_address_is_removed()
    {
        using var lab = new VxlanLab(hosts: 2);
        var h = lab[1];
        string conf = Status11(lab.L2Conf(h, 42));
        Assert.True(h.Run(new CniCall("STATUS"), conf).Success);
        h.Ns.Ip("-4", "addr", "flush", "dev", "eth0").EnsureSuccess("flush");
        var status = h.Run(new CniCall("STATUS"), conf);
        Assert.Equal(50, status.ErrorCode);
    }
}
