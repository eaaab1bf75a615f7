using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// A network the client tests put in front of a runtime library: its conflist and what the host namespace needs
/// before the first ADD. Every network runs through the same scenario (<see cref="ClientScenario"/>); a new one (a
/// vxlan network, a conflist chaining portmap) is one more subclass and one more test row.
/// </summary>
internal abstract class ClientNetwork
{
    public abstract string Name { get; }

    /// <summary>Host links that legitimately outlive the last DEL (a bridge, a macvlan master).</summary>
    public abstract string[] KeptHostLinks { get; }

    /// <summary>An address inside the first range that a container may ask for with the <c>ips</c> capability.</summary>
    public abstract string RequestedIp { get; }

    /// <summary>Addresses outside the containers every container must reach (a gateway, a peer on the wire).</summary>
    public virtual string[] Peers => [];

    /// <summary>The gateway of the containers' IPv4 default route, when the network installs one.</summary>
    public virtual string? DefaultGateway => null;

    /// <summary>Makes what the network needs in the host namespace before any ADD.</summary>
    public virtual void PrepareHost(ClientLab lab)
    {
    }

    /// <param name="capabilities">Declare the <c>mac</c> and <c>ips</c> capabilities on the main plugin, so libcni
    /// passes those capability args as runtimeConfig (what podman and CRI-O send for a static MAC or IP).</param>
    public abstract string Conflist(ClientLab lab, string version, bool capabilities);

    protected static string Caps(bool capabilities) =>
        capabilities ? "\"capabilities\":{\"mac\":true,\"ips\":true}," : "";

    protected static string HostLocal(ClientLab lab, string ranges, string routes = "[]") =>
        $$"""{"type":"host-local","ranges":{{ranges}},"routes":{{routes}},"dataDir":"{{lab.DataDir}}","indexDir":"{{lab.IndexDir}}"}""";
}

/// <summary>
/// The conflist containerd installs by default (script/setup/install-cni, the one its docs tell users to write):
/// bridge <c>cni0</c> with isGateway, ipMasq and promiscMode, host-local with an IPv4 and an IPv6 range and both
/// default routes. containerd's file chains portmap after bridge: <see cref="PublishedPortTests"/> runs it so; here
/// the chain ends at bridge, so the shared <c>CNI-HOSTPORT-*</c> chains portmap leaves do not count as leftovers.
/// dataDir and indexDir point into the lab.
/// </summary>
internal sealed class ContainerdDefaultNetwork : ClientNetwork
{
    public override string Name => "containerd-net";

    public override string[] KeptHostLinks => ["cni0"];

    public override string RequestedIp => "10.88.0.200";

    public override string[] Peers => ["10.88.0.1"];

    public override string? DefaultGateway => "10.88.0.1";

    public override string Conflist(ClientLab lab, string version, bool capabilities)
    {
        string ipam = HostLocal(lab, """[[{"subnet":"10.88.0.0/16"}],[{"subnet":"2001:4860:4860::/64"}]]""",
            """[{"dst":"0.0.0.0/0"},{"dst":"::/0"}]""");
        return $$"""
            {"cniVersion":"{{version}}","name":"{{Name}}","plugins":[
              {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,"promiscMode":true,{{Caps(capabilities)}}"ipam":{{ipam}}}
            ]}
            """;
    }
}

/// <summary>
/// macvlan in bridge mode over the host's <c>eth0</c>, one end of a veth pair whose other end is a "physical
/// network" namespace answering at <see cref="PhysIp"/>; host-local on 10.77.0.0/24.
/// </summary>
internal sealed class MacvlanNetwork : ClientNetwork
{
    public const string PhysIp = "10.77.0.1";

    public override string Name => "macvlan-net";

    public override string[] KeptHostLinks => ["eth0"];

    public override string RequestedIp => "10.77.0.200";

    public override string[] Peers => [PhysIp];

    public override void PrepareHost(ClientLab lab)
    {
        TestNetns phys = lab.NewNamespace("phys");
        lab.Host.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "uplink", "netns", phys.Name).EnsureSuccess("veth");
        lab.Host.Ip("link", "set", "eth0", "up").EnsureSuccess("master up");
        phys.Ip("link", "set", "uplink", "up").EnsureSuccess("uplink up");
        phys.Ip("addr", "add", PhysIp + "/24", "dev", "uplink").EnsureSuccess("phys addr");
    }

    public override string Conflist(ClientLab lab, string version, bool capabilities)
    {
        string ipam = HostLocal(lab, """[[{"subnet":"10.77.0.0/24","rangeStart":"10.77.0.10"}]]""");
        return $$"""
            {"cniVersion":"{{version}}","name":"{{Name}}","plugins":[
              {"type":"macvlan","master":"eth0","mode":"bridge",{{Caps(capabilities)}}"ipam":{{ipam}}}
            ]}
            """;
    }
}

/// <summary>
/// Our vxlan overlay on one host of a three-host peer list (the other hosts' addresses sit in an "underlay"
/// namespace behind the host's <c>eth0</c>; they run no VXLAN, which ADD, CHECK and DEL do not need). The shared
/// devices stay after the last DEL, as bridge's <c>cni0</c> does.
/// </summary>
internal abstract class VxlanNetwork : ClientNetwork
{
    protected const string UnderlaySubnet = "10.76.0";

    protected abstract int Vni { get; }

    public override string[] KeptHostLinks => ["eth0", $"vxbr{Vni}", $"vxlan{Vni}"];

    public override void PrepareHost(ClientLab lab)
    {
        TestNetns underlay = lab.NewNamespace("underlay");
        lab.Host.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "uplink", "netns", underlay.Name).EnsureSuccess("veth");
        lab.Host.Ip("addr", "add", $"{UnderlaySubnet}.1/24", "dev", "eth0").EnsureSuccess("underlay addr");
        lab.Host.Ip("link", "set", "eth0", "up").EnsureSuccess("eth0 up");
        underlay.Ip("link", "set", "uplink", "up").EnsureSuccess("uplink up");
        underlay.Ip("addr", "add", $"{UnderlaySubnet}.2/24", "dev", "uplink").EnsureSuccess("peer addr");
        underlay.Ip("addr", "add", $"{UnderlaySubnet}.3/24", "dev", "uplink").EnsureSuccess("peer addr");
    }
}

/// <summary>l2 (Docker's overlay): one subnet for all hosts, this host's containers in its own range.</summary>
internal sealed class VxlanL2Network : VxlanNetwork
{
    public override string Name => "vxlan-l2";

    protected override int Vni => 4242;

    public override string RequestedIp => "10.74.0.60";

    public override string Conflist(ClientLab lab, string version, bool capabilities)
    {
        string ipam = HostLocal(lab, """[[{"subnet":"10.74.0.0/24","rangeStart":"10.74.0.10","rangeEnd":"10.74.0.99"}]]""");
        return $$"""
            {"cniVersion":"{{version}}","name":"{{Name}}","plugins":[
              {"type":"vxlan","vni":{{Vni}},"underlayInterface":"eth0",
               "peers":["{{UnderlaySubnet}}.1","{{UnderlaySubnet}}.2","{{UnderlaySubnet}}.3"],{{Caps(capabilities)}}"ipam":{{ipam}}}
            ]}
            """;
    }
}

/// <summary>l3 (flannel's model): this host owns 10.73.1.0/24 and routes the peers' subnets through the tunnel.</summary>
internal sealed class VxlanL3Network : VxlanNetwork
{
    public override string Name => "vxlan-l3";

    protected override int Vni => 4343;

    public override string RequestedIp => "10.73.1.60";

    public override string[] Peers => ["10.73.1.1"];

    public override string Conflist(ClientLab lab, string version, bool capabilities)
    {
        string ipam = HostLocal(lab, """[[{"subnet":"10.73.1.0/24"}]]""");
        return $$"""
            {"cniVersion":"{{version}}","name":"{{Name}}","plugins":[
              {"type":"vxlan","mode":"l3","vni":{{Vni}},"underlayInterface":"eth0","peers":[
                {"underlay":"{{UnderlaySubnet}}.1","subnet":"10.73.1.0/24"},
                {"underlay":"{{UnderlaySubnet}}.2","subnet":"10.73.2.0/24"},
                {"underlay":"{{UnderlaySubnet}}.3","subnet":"10.73.3.0/24"}],{{Caps(capabilities)}}"ipam":{{ipam}}}
            ]}
            """;
    }
}
