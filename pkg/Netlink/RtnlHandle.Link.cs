namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    private static readonly MessageParser<Link> s_linkParser = Link.TryParse;

    /// <summary>Equivalent to <c>ip link show</c>.</summary>
    public List<Link> LinkList()
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, 0);
        w.IfInfoMsg(Interop.AF_UNSPEC, 0);
        return Dump(w.Finish(), s_linkParser, "failed to list links");
    }

    /// <summary>Equivalent to <c>ip link show {name}</c>; null when there is no such link.</summary>
    public Link? TryGetLinkByName(string name)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, 0);
        w.AttrString(Rtnl.IFLA_IFNAME, name);
        return TryGet(w.Finish(), $"failed to look up link \"{name}\"");
    }

    /// <summary>Equivalent to <c>ip link show {name}</c>.</summary>
    /// <exception cref="LinkNotFoundException">No such link.</exception>
    public Link GetLinkByName(string name) => TryGetLinkByName(name) ?? throw new LinkNotFoundException(name);

    public Link? TryGetLinkByIndex(int index)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, index);
        return TryGet(w.Finish(), $"failed to look up link {index}");
    }

    public Link GetLinkByIndex(int index) => TryGetLinkByIndex(index) ?? throw new LinkNotFoundException(index.ToString());

    /// <summary>Equivalent to <c>ip link add {name} type {kind} ...</c>.</summary>
    public void LinkAdd(LinkSpec spec, ushort extraFlags = Rtnl.NLM_F_EXCL)
    {
        Span<byte> buf = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buf, Rtnl.RTM_NEWLINK,
            (ushort)(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | extraFlags), NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, 0);
        w.AttrString(Rtnl.IFLA_IFNAME, spec.Name);
        if (spec.Mtu > 0)
        {
            w.AttrU32(Rtnl.IFLA_MTU, (uint)spec.Mtu);
        }

        if (spec.HardwareAddr is { Length: > 0 } mac)
        {
            w.Attr(Rtnl.IFLA_ADDRESS, mac);
        }

        if (spec.ParentIndex > 0)
        {
            w.AttrU32(Rtnl.IFLA_LINK, (uint)spec.ParentIndex);
        }

        if (spec.NetnsFd >= 0)
        {
            w.AttrU32(Rtnl.IFLA_NET_NS_FD, (uint)spec.NetnsFd);
        }

        int linkInfo = w.BeginNested(Rtnl.IFLA_LINKINFO);
        w.AttrStringNoNul(Rtnl.IFLA_INFO_KIND, spec.Kind);
        if (spec.InfoData is { } writeData)
        {
            int data = w.BeginNested(Rtnl.IFLA_INFO_DATA);
            writeData(ref w);
            w.EndNested(data);
        }

        w.EndNested(linkInfo);
        Execute(w.Finish(), $"failed to create {spec.Kind} link \"{spec.Name}\"");
    }

    /// <summary>Equivalent to <c>ip link del {link}</c>.</summary>
    public void LinkDel(int index)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_DELLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, index);
        Execute(w.Finish(), $"failed to delete link {index}");
    }

    /// <summary>
    /// Equivalent to <c>ip link del {name}</c> when it exists; false when there was nothing to delete (also when it
    /// vanished between lookup and delete), which rollback and DEL both treat as done.
    /// </summary>
    public bool TryLinkDelByName(string name) => TryGetLinkByName(name) is { } link && TryLinkDel(link.Index);

    /// <summary><see cref="LinkDel"/>; false when the link was already gone.</summary>
    public bool TryLinkDel(int index)
    {
        try
        {
            LinkDel(index);
            return true;
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>Equivalent to <c>ip link set {link} up</c>.</summary>
    public void LinkSetUp(int index) => LinkSetFlags(index, Rtnl.IFF_UP, Rtnl.IFF_UP, "up");

    /// <summary>Equivalent to <c>ip link set {link} down</c>.</summary>
    public void LinkSetDown(int index) => LinkSetFlags(index, 0, Rtnl.IFF_UP, "down");

    /// <summary>Equivalent to <c>ip link set {link} promisc on|off</c>.</summary>
    public void LinkSetPromisc(int index, bool on) =>
        LinkSetFlags(index, on ? Rtnl.IFF_PROMISC : 0, Rtnl.IFF_PROMISC, on ? "promisc on" : "promisc off");

    /// <summary>Equivalent to <c>ip link set {link} name {name}</c>.</summary>
    public void LinkSetName(int index, string name) =>
        LinkSetAttr(index, $"name {name}", (ref NetlinkWriter w) => w.AttrString(Rtnl.IFLA_IFNAME, name));

    /// <summary>Equivalent to <c>ip link set {link} address {mac}</c>.</summary>
    public void LinkSetHardwareAddr(int index, byte[] mac) =>
        LinkSetAttr(index, $"address {MacAddress.Format(mac)}", (ref NetlinkWriter w) => w.Attr(Rtnl.IFLA_ADDRESS, mac));

    /// <summary>Equivalent to <c>ip link set {link} master {master}</c>; 0 is <c>nomaster</c>.</summary>
    public void LinkSetMaster(int index, int masterIndex) =>
        LinkSetAttr(index, $"master {masterIndex}", (ref NetlinkWriter w) => w.AttrU32(Rtnl.IFLA_MASTER, (uint)masterIndex));

    private void LinkSetFlags(int index, uint flags, uint change, string what)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, index, flags, change);
        Execute(w.Finish(), $"failed to set link {index} {what}");
    }

    private void LinkSetAttr(int index, string what, InfoDataWriter attrs)
    {
        Span<byte> buf = stackalloc byte[128];
        var w = new NetlinkWriter(buf, Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, index);
        attrs(ref w);
        Execute(w.Finish(), $"failed to set link {index} {what}");
    }

    private Link? TryGet(ReadOnlySpan<byte> request, string operation)
    {
        try
        {
            return Get(request, s_linkParser, operation);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
    }
}
