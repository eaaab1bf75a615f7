namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    private static readonly MessageParser<Neigh> s_neighParser = Neigh.TryParse;

    /// <summary>Equivalent to <c>ip neigh show</c> (family AF_BRIDGE: <c>bridge fdb show</c>), filtered to a link when non-zero.</summary>
    public List<Neigh> NeighList(byte family, int linkIndex = 0)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETNEIGH, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, 0);
        w.NdMsg(family, 0, 0, 0);
        var all = Dump(w.Finish(), s_neighParser, "failed to list neighbours");
        return linkIndex == 0 ? all : all.FindAll(n => n.LinkIndex == linkIndex);
    }

    /// <summary>
    /// Equivalent to <c>ip neigh replace</c>, or with <paramref name="append"/> and AF_BRIDGE <c>bridge fdb append</c>
    /// (several all-zero entries may then coexist, one per remote VTEP).
    /// </summary>
    public void NeighSet(Neigh neigh, bool append = false)
    {
        ushort flags = append ? (ushort)(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_APPEND) : (ushort)(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE);
        NeighChange(Rtnl.RTM_NEWNEIGH, flags, neigh, append ? "append" : "set");
    }

    /// <summary>Equivalent to <c>ip neigh del</c> / <c>bridge fdb del</c>.</summary>
    public void NeighDel(Neigh neigh) => NeighChange(Rtnl.RTM_DELNEIGH, 0, neigh, "delete");

    private void NeighChange(ushort type, ushort flags, Neigh neigh, string verb)
    {
        Span<byte> buf = stackalloc byte[128];
        var w = new NetlinkWriter(buf, type, (ushort)(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | flags), NextSeq());
        w.NdMsg(neigh.Family, neigh.LinkIndex, neigh.State, neigh.Flags);
        if (neigh.HardwareAddr.Length > 0)
        {
            w.Attr(Rtnl.NDA_LLADDR, neigh.HardwareAddr);
        }

        if (neigh.Ip is { } ip)
        {
            w.AttrAddress(Rtnl.NDA_DST, ip);
        }

        Execute(w.Finish(), $"failed to {verb} neighbour {neigh.Ip} {MacAddress.Format(neigh.HardwareAddr)} on link {neigh.LinkIndex}");
    }
}
