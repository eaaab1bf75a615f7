using System.Net.Sockets;
using CniPlugins.Types;

namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    private static readonly MessageParser<Addr> s_addrParser = Addr.TryParse;

    /// <summary>Equivalent to <c>ip addr show [dev {link}]</c>; family AF_UNSPEC for both, 0 for every link.</summary>
    public List<Addr> AddrList(int linkIndex = 0, byte family = Interop.AF_UNSPEC)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETADDR, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, 0);
        w.IfAddrMsg(family, 0, 0, 0, 0);
        var all = Dump(w.Finish(), s_addrParser, "failed to list addresses");
        return linkIndex == 0 ? all : all.FindAll(a => a.LinkIndex == linkIndex);
    }

    /// <summary>
    /// Equivalent to <c>ip addr add {address} [brd +] dev {link}</c>: IPv4 addresses get the broadcast address the
    /// reference's netlink library derives for them.
    /// </summary>
    public void AddrAdd(int linkIndex, CidrAddress address, uint flags = 0) =>
        AddrChange(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, linkIndex, address, flags, "add");

    /// <summary>Equivalent to <c>ip addr del {address} dev {link}</c>.</summary>
    public void AddrDel(int linkIndex, CidrAddress address) =>
        AddrChange(Rtnl.RTM_DELADDR, 0, linkIndex, address, 0, "delete");

    private void AddrChange(ushort type, ushort flags, int linkIndex, CidrAddress address, uint addrFlags, string verb)
    {
        bool v4 = address.Address.AddressFamily == AddressFamily.InterNetwork;
        Span<byte> buf = stackalloc byte[128];
        var w = new NetlinkWriter(buf, type, (ushort)(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | flags), NextSeq());
        w.IfAddrMsg(v4 ? (byte)Interop.AF_INET : (byte)Interop.AF_INET6, (byte)address.PrefixLength,
            (byte)(addrFlags & 0xff), Rtnl.RT_SCOPE_UNIVERSE, linkIndex);
        w.AttrAddress(Rtnl.IFA_LOCAL, address.Address);
        w.AttrAddress(Rtnl.IFA_ADDRESS, address.Address);
        if (v4 && address.PrefixLength < 31 && type == Rtnl.RTM_NEWADDR)
        {
            w.AttrAddress(Rtnl.IFA_BROADCAST, Broadcast(address));
        }

        if (addrFlags > 0xff)
        {
            w.AttrU32(Rtnl.IFA_FLAGS, addrFlags);
        }

        Execute(w.Finish(), $"failed to {verb} address {address} on link {linkIndex}");
    }

    private static System.Net.IPAddress Broadcast(CidrAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.Address.TryWriteBytes(b, out _);
        uint ip = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b);
        uint hostMask = address.PrefixLength == 0 ? uint.MaxValue : (1u << (32 - address.PrefixLength)) - 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b, ip | hostMask);
        return new System.Net.IPAddress(b);
    }
}
