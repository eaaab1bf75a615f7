using CniPlugins.Ip;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>
/// With a VLAN and isGateway the gateway address cannot sit on the bridge itself (it is untagged there); as the
/// reference does, a veth named <c>&lt;bridge&gt;.&lt;vlan&gt;</c> in the host namespace is the gateway, its peer an
/// access port of that VLAN on the bridge. It is added to the result's interfaces.
/// </summary>
internal static class VlanGateway
{
    public static Link Ensure(RtnlHandle host, NetNs hostNs, Link bridge, int vlan, bool preserveDefaultVlan, Result result)
    {
        string name = $"{bridge.Name}.{vlan}";
        var link = host.TryGetLinkByName(name);
        if (link is null)
        {
            var (peer, gw) = VethSetup.Create(host, host, hostNs, name, bridge.Mtu, null);
            BridgePort.Configure(host, bridge, peer, hairpin: false, isolated: false, vlan, [], preserveDefaultVlan);
            host.LinkSetUp(gw.Index);
            link = host.GetLinkByIndex(gw.Index);
        }

        if (result.Interfaces!.TrueForAll(i => i.Name != name))
        {
            result.Interfaces.Add(new Interface { Name = name, Mac = link.Mac });
        }

        return link;
    }
}
