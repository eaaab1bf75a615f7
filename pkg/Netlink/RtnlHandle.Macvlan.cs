namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// Equivalent to <c>ip link add {name} link {parent} [mtu M] [address A] netns {ns} type macvlan mode {mode}</c>.
    /// </summary>
    public void MacvlanAdd(string name, int parentIndex, uint mode, int mtu, byte[]? mac, int netnsFd, uint bcQueueLen = 0)
    {
        LinkAdd(new LinkSpec
        {
            Name = name,
            Kind = "macvlan",
            ParentIndex = parentIndex,
            Mtu = mtu,
            HardwareAddr = mac,
            NetnsFd = netnsFd,
            InfoData = (ref NetlinkWriter w) =>
            {
                w.AttrU32(Rtnl.IFLA_MACVLAN_MODE, mode);
                if (bcQueueLen > 0)
                {
                    w.AttrU32(Rtnl.IFLA_MACVLAN_BC_QUEUE_LEN, bcQueueLen);
                }
            },
        });
    }
}
