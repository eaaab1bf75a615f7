using CniPlugins.Fs;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>
/// A host-side link as a port of a bridge (the bridge plugin's veths, the vxlan overlay's veths and VXLAN device):
/// membership, hairpin, isolation, VLANs, and the lock that serialises decisions about a bridge's ports across runs.
/// </summary>
public static class BridgePort
{
    private const string LockDir = "/run/cni-plugins";

    public static void Configure(RtnlHandle host, Link bridge, Link port, bool hairpin, bool isolated, int vlan,
        List<int> trunk, bool preserveDefaultVlan)
    {
        try
        {
            host.LinkSetMaster(port.Index, bridge.Index);
        }
        catch (NetlinkException e)
        {
            throw new CniException(ErrorCode.Internal, $"failed to connect \"{port.Name}\" to bridge {bridge.Name}: {e.Message}", inner: e);
        }

        host.BridgePortSetHairpin(port.Index, hairpin);
        if (isolated)
        {
            host.BridgePortSetIsolated(port.Index, true);
        }

        if ((vlan != 0 || trunk.Count > 0) && !preserveDefaultVlan)
        {
            // The kernel gives every new port of a VLAN-filtering bridge the default VLAN 1 (pvid, untagged).
            try
            {
                host.BridgeVlanDel(port.Index, 1);
            }
            catch (NetlinkException e) when (e.IsNotFound || e.IsInvalidArgument)
            {
                // no default VLAN on this port
            }
        }

        if (vlan != 0)
        {
            host.BridgeVlanAdd(port.Index, (ushort)vlan, pvid: true, untagged: true);
        }

        foreach (int v in trunk)
        {
            host.BridgeVlanAdd(port.Index, (ushort)v, pvid: false, untagged: false);
        }
    }

    /// <summary>
    /// Serialises the "first port in / last port out" decisions of one bridge across runs (isolation rules, the
    /// overlay's shared devices and forward rules).
    /// </summary>
    public static FileLock LockBridge(string bridgeName)
    {
        Directory.CreateDirectory(LockDir);
        return FileLock.Acquire(Path.Combine(LockDir, $"bridge-{bridgeName}.lock"), 0x180 /* 0600 */);
    }

    /// <summary>
    /// How many links are ports of the bridge now, not counting <paramref name="exceptIndex"/> nor links of kind
    /// <paramref name="exceptKind"/> (the overlay's VXLAN device is a port that stays when containers are gone).
    /// </summary>
    public static int CountPorts(RtnlHandle host, int bridgeIndex, int exceptIndex = 0, string? exceptKind = null) =>
        host.LinkList().Count(l => l.MasterIndex == bridgeIndex && l.Index != exceptIndex && (exceptKind is null || l.Kind != exceptKind));
}
