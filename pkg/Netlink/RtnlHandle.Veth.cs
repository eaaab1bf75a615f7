namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// Equivalent to <c>ip link add {name} [mtu M] [address A] type veth peer name {peer} [mtu M] netns {ns}</c>:
    /// creates the pair in this handle's namespace with the peer end straight in <paramref name="peerNetnsFd"/>.
    /// </summary>
    public void VethAdd(string name, string peerName, int mtu, byte[]? mac, int peerNetnsFd, byte[]? peerMac = null)
    {
        LinkAdd(new LinkSpec
        {
            Name = name,
            Kind = "veth",
            Mtu = mtu,
            HardwareAddr = mac,
            InfoData = (ref NetlinkWriter w) =>
            {
                int peer = w.BeginNested(Rtnl.VETH_INFO_PEER);
                w.IfInfoMsg(Interop.AF_UNSPEC, 0);
                w.AttrString(Rtnl.IFLA_IFNAME, peerName);
                if (mtu > 0)
                {
                    w.AttrU32(Rtnl.IFLA_MTU, (uint)mtu);
                }

                if (peerMac is { Length: > 0 })
                {
                    w.Attr(Rtnl.IFLA_ADDRESS, peerMac);
                }

                if (peerNetnsFd >= 0)
                {
                    w.AttrU32(Rtnl.IFLA_NET_NS_FD, (uint)peerNetnsFd);
                }

                w.EndNested(peer);
            },
        });
    }
}
