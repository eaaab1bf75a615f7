using CniPlugins.Ip;
using CniPlugins.Netlink;
using CniPlugins.Overlay;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// What a network's containers on one host share: the bridge, the VXLAN device, the peers' entries and the
/// gateway's place. Made or brought in line with the config by every ADD, one ADD at a time per bridge, so
/// concurrent first ADDs on a host neither race nor fail.
/// </summary>
internal static class SharedDevices
{
    /// <returns>The bridge, as it is now.</returns>
    public static Link Ensure(RtnlHandle host, VxlanConfig conf, Underlay underlay, int mtu, Result? ipam)
    {
        using var guard = BridgePort.LockBridge(conf.BridgeName);
        var bridge = BridgeSetup.Ensure(host, conf.BridgeName, mtu, promisc: false, vlanFiltering: false);
        var device = VxlanDevice.Ensure(host, conf.DeviceSpec(underlay));
        var gateways = ipam?.Ips?.Select(i => i.Gateway ?? IpMath.Next(i.Address.Network.BaseAddress)).ToList() ?? [];
        if (conf.IsL3)
        {
            L3Peers.Sync(host, device, conf.PeerList, underlay.Local, removeStale: !conf.AgentOwnsPeers);
            foreach (var ipc in ipam!.Ips!)
            {
                VxlanDevice.EnsureAddress(host, device, ipc.Address);
            }
        }
        else
        {
            // The filter first, then the MAC, then the tunnel port: the bridge sends frames from its new MAC at once
            // (IPv6 DAD, MLD, router solicitations), and one that crossed the tunnel before the filter existed would
            // teach the other hosts the anycast MAC behind this one.
            if (conf.IsGateway && gateways.Count > 0)
            {
                byte[] mac = VtepMac.ForGateway((uint)conf.Vni);
                AnycastGatewayFilter.Apply(conf, device.Name, mac, gateways);
                if (!bridge.HardwareAddr.AsSpan().SequenceEqual(mac))
                {
                    host.LinkSetHardwareAddr(bridge.Index, mac);
                }
            }

            if (device.MasterIndex != bridge.Index)
            {
                BridgePort.Configure(host, bridge, device, hairpin: false, isolated: false, vlan: 0, trunk: [], preserveDefaultVlan: true);
            }

            L2Peers.Sync(host, device, conf, underlay.Local);
        }

        ForwardRules.Ensure(conf.BridgeName);
        return host.GetLinkByIndex(bridge.Index);
    }
}
