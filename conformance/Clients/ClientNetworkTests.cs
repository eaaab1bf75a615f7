using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// The runtimes' client libraries in front of bin/ alone, at the two config versions runtimes write today: libcni
/// (CRI-O, podman, cnitool) and go-cni (containerd). One row per network.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class ClientNetworkTests
{
    [SkippableTheory]
    [InlineData(Client.Libcni, "1.0.0")]
    [InlineData(Client.Libcni, "0.4.0")]
    [InlineData(Client.Gocni, "1.0.0")]
    [InlineData(Client.Gocni, "0.4.0")]
    public void Containerd_default_bridge_network(Client client, string version)
    {
        GoClient.SkipIfMissing();
        ClientScenario.Run(client, new ContainerdDefaultNetwork(), version);
    }

    [SkippableTheory]
    [InlineData(Client.Libcni, "1.0.0")]
    [InlineData(Client.Libcni, "0.4.0")]
    [InlineData(Client.Gocni, "1.0.0")]
    [InlineData(Client.Gocni, "0.4.0")]
    public void Macvlan_network(Client client, string version)
    {
        GoClient.SkipIfMissing();
        ClientScenario.Run(client, new MacvlanNetwork(), version);
    }

    [SkippableTheory]
    [InlineData(Client.Libcni, "1.0.0")]
    [InlineData(Client.Libcni, "0.4.0")]
    [InlineData(Client.Gocni, "1.0.0")]
    [InlineData(Client.Gocni, "0.4.0")]
    public void Vxlan_l2_network(Client client, string version)
    {
        GoClient.SkipIfMissing();
        ClientScenario.Run(client, new VxlanL2Network(), version);
    }

    [SkippableTheory]
    [InlineData(Client.Libcni, "1.0.0")]
    [InlineData(Client.Libcni, "0.4.0")]
    [InlineData(Client.Gocni, "1.0.0")]
    [InlineData(Client.Gocni, "0.4.0")]
    public void Vxlan_l3_network(Client client, string version)
    {
        GoClient.SkipIfMissing();
        ClientScenario.Run(client, new VxlanL3Network(), version);
    }

    /// <summary>
    /// The client's plugin path is bin/ and nothing else: a network naming a reference plugin we do not ship fails
    /// libcni's VERSION probe, while ours answer it for the list's version.
    /// </summary>
    [SkippableFact]
    public void Plugin_path_holds_our_binaries_only()
    {
        GoClient.SkipIfMissing();
        using var lab = new ClientLab(Client.Libcni);
        var network = new ContainerdDefaultNetwork();
        lab.WriteConflist(network.Name, network.Conflist(lab, "1.0.0", capabilities: true));
        var ok = lab.Run("validate", "v", "");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("\"mac\"", ok.Stdout);
        Assert.Contains("\"ips\"", ok.Stdout);

        lab.WriteConflist("foreign", """{"cniVersion":"1.0.0","name":"foreign","plugins":[{"type":"bridge"},{"type":"tuning"}]}""");
        var foreign = lab.Run("validate", "v", "");
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("failed to find plugin \"tuning\"", foreign.Stderr);
    }
}
