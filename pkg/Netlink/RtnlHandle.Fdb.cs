namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    private static readonly MessageParser<FdbEntry> s_fdbParser = FdbEntry.TryParse;

    /// <summary>
    /// Equivalent to <c>bridge fdb show dev {link}</c>. The kernel honours the ndmsg index as a filter only on a
    /// socket with strict checking; the entries are filtered here as iproute2 does.
    /// </summary>
    public List<FdbEntry> FdbList(int linkIndex)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETNEIGH, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, 0);
        w.NdMsg(Rtnl.AF_BRIDGE, linkIndex, 0, 0);
        var all = Dump(w.Finish(), s_fdbParser, $"failed to list fdb entries of link {linkIndex}");
        return all.FindAll(e => e.LinkIndex == linkIndex);
    }

    /// <summary>
    /// Equivalent to <c>bridge fdb append {mac} dev {link} dst {dst} [port P] [vni V] [via U]</c>: adds a remote
    /// beside the ones the MAC already has (one all-zero entry per peer floods to every peer).
    /// </summary>
    public void FdbAppend(FdbEntry entry) =>
        FdbChange(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_APPEND, entry, "append");

    /// <summary>Equivalent to <c>bridge fdb replace {mac} dev {link} dst {dst} ...</c>: the MAC gets this one remote.</summary>
    public void FdbReplace(FdbEntry entry) =>
        FdbChange(Rtnl.RTM_NEWNEIGH, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE, entry, "replace");

    /// <summary>
    /// Equivalent to <c>bridge fdb del {mac} dev {link} dst {dst} ...</c>: removes that one remote. Port, vni and
    /// via must be the ones it was added with: otherwise the kernel acknowledges and removes nothing.
    /// </summary>
    public void FdbDel(FdbEntry entry) => FdbChange(Rtnl.RTM_DELNEIGH, 0, entry, "delete");

    private void FdbChange(ushort type, ushort flags, FdbEntry entry, string verb)
    {
        Span<byte> buf = stackalloc byte[128];
        var w = new NetlinkWriter(buf, type, (ushort)(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | flags), NextSeq());
        w.NdMsg(Rtnl.AF_BRIDGE, entry.LinkIndex, entry.State, entry.Flags);
        w.Attr(Rtnl.NDA_LLADDR, entry.Mac);
        if (entry.Dst is { } dst)
        {
            w.AttrAddress(Rtnl.NDA_DST, dst);
        }

        if (entry.Port > 0)
        {
            w.AttrU16BigEndian(Rtnl.NDA_PORT, entry.Port);
        }

        if (entry.Vni is { } vni)
        {
            w.AttrU32(Rtnl.NDA_VNI, vni);
        }

        if (entry.ViaIndex > 0)
        {
            w.AttrU32(Rtnl.NDA_IFINDEX, (uint)entry.ViaIndex);
        }

        Execute(w.Finish(), $"failed to {verb} fdb entry {MacAddress.Format(entry.Mac)} dst {entry.Dst?.ToString() ?? "-"} on link {entry.LinkIndex}");
    }
}
