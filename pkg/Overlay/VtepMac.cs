using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CniPlugins.Overlay;

/// <summary>
/// MACs every host can compute for every other host from the config alone, so that no host has to be told another's.
/// All are locally administered unicast (first byte 0x0a).
/// </summary>
public static class VtepMac
{
    /// <summary>
    /// The l3 VXLAN device's MAC: <c>0a:58:</c> and the four bytes of an IPv4 underlay address (as Kubernetes'
    /// kubenet derives pod MACs), or the first four bytes of the SHA-256 of an IPv6 one.
    /// </summary>
    public static byte[] ForUnderlay(IPAddress underlay)
    {
        byte[] bytes = underlay.GetAddressBytes();
        byte[] tail = underlay.AddressFamily == AddressFamily.InterNetwork ? bytes : SHA256.HashData(bytes);
        return [0x0a, 0x58, tail[0], tail[1], tail[2], tail[3]];
    }

    /// <summary>
    /// The l2 anycast gateway's MAC, the same on every host of a VNI: <c>0a:58:ff:</c> and the VNI's three bytes.
    /// (No IPv4 underlay address starts with 255, so it never equals a VTEP MAC.)
    /// </summary>
    public static byte[] ForGateway(uint vni) => [0x0a, 0x58, 0xff, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni];
}
