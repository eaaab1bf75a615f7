using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>
/// A veth pair between a container and the host, as the reference's ip.SetupVeth: the container end is made
/// inside the container with its final name, the host end straight in the host namespace under a random
/// <c>veth…</c> name, then brought up with router advertisements off.
/// </summary>
public static class VethSetup
{
    private const int NameAttempts = 10;

    /// <param name="container">Handle in the namespace that gets <paramref name="ifName"/>.</param>
    /// <param name="host">Handle in the namespace that gets the random-named peer.</param>
    /// <param name="hostNs">The host namespace (its fd is passed as the peer's IFLA_NET_NS_FD).</param>
    /// <returns>The host end and the container end, as the kernel now reports them.</returns>
    public static (Link Host, Link Container) Create(RtnlHandle container, RtnlHandle host, NetNs hostNs,
        string ifName, int mtu, byte[]? mac)
    {
        if (container.TryGetLinkByName(ifName) is not null)
        {
            throw new CniException(ErrorCode.Internal, $"container veth name provided ({ifName}) already exists");
        }

        for (int attempt = 1; ; attempt++)
        {
            string hostName = LinkNames.RandomVethName();
            try
            {
                container.VethAdd(ifName, hostName, mtu, mac, hostNs.Fd);
            }
            catch (NetlinkException e) when (e.IsExists && attempt < NameAttempts)
            {
                continue; // the random host name was taken; the container name was checked above
            }

            var hostVeth = host.GetLinkByName(hostName);
            host.LinkSetUp(hostVeth.Index);
            Sysctl.SetIfPresent($"net/ipv6/conf/{hostName}/accept_ra", "0");
            return (host.GetLinkByIndex(hostVeth.Index), container.GetLinkByName(ifName));
        }
    }
}
