namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// Equivalent to <c>ip neigh replace {ip} lladdr {mac} dev {link} nud permanent</c> (the state is
    /// <see cref="Neigh.State"/>), with NDA_DST before NDA_LLADDR as iproute2 sends them; <see cref="NeighSet"/>
    /// writes them the other way round, as <c>bridge fdb</c> does.
    /// </summary>
    public void NeighReplace(Neigh neigh)
    {
        if (neigh.Ip is not { } ip)
        {
            throw new ArgumentException("a neighbour entry needs an IP address", nameof(neigh));
        }

        Span<byte> buf = stackalloc byte[128];
        var w = new NetlinkWriter(buf, Rtnl.RTM_NEWNEIGH,
            Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE, NextSeq());
        w.NdMsg(neigh.Family, neigh.LinkIndex, neigh.State, neigh.Flags);
        w.AttrAddress(Rtnl.NDA_DST, ip);
        if (neigh.HardwareAddr.Length > 0)
        {
            w.Attr(Rtnl.NDA_LLADDR, neigh.HardwareAddr);
        }

        Execute(w.Finish(), $"failed to replace neighbour {ip} {MacAddress.Format(neigh.HardwareAddr)} on link {neigh.LinkIndex}");
    }
}
