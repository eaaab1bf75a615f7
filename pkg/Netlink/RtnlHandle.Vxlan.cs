using System.Net.Sockets;

namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// Equivalent to <c>ip link add {name} [mtu M] [address A] type vxlan [dev U] [ttl T] id V [local L] [group G]
    /// [no]learning dstport P</c>; the device is created down. The attributes go in the order iproute2 sends them
    /// (mtu and address before the name), which <see cref="LinkAdd"/> does not follow, hence a message of its own.
    /// </summary>
    public void VxlanAdd(VxlanSpec spec)
    {
        Span<byte> buf = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buf, Rtnl.RTM_NEWLINK,
            Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, NextSeq());
        w.IfInfoMsg(Interop.AF_UNSPEC, 0);
        if (spec.Mtu > 0)
        {
            w.AttrU32(Rtnl.IFLA_MTU, (uint)spec.Mtu);
        }

        if (spec.HardwareAddr is { Length: > 0 } mac)
        {
            w.Attr(Rtnl.IFLA_ADDRESS, mac);
        }

        w.AttrString(Rtnl.IFLA_IFNAME, spec.Name);
        int linkInfo = w.BeginNested(Rtnl.IFLA_LINKINFO);
        w.AttrStringNoNul(Rtnl.IFLA_INFO_KIND, "vxlan");
        int data = w.BeginNested(Rtnl.IFLA_INFO_DATA);
        if (spec.UnderlayIndex > 0)
        {
            w.AttrU32(Rtnl.IFLA_VXLAN_LINK, (uint)spec.UnderlayIndex);
        }

        if (spec.Ttl > 0)
        {
            w.AttrU8(Rtnl.IFLA_VXLAN_TTL, spec.Ttl);
        }

        w.AttrU32(Rtnl.IFLA_VXLAN_ID, spec.Vni);
        if (spec.Local is { } local)
        {
            w.AttrAddress(local.AddressFamily == AddressFamily.InterNetwork ? Rtnl.IFLA_VXLAN_LOCAL : Rtnl.IFLA_VXLAN_LOCAL6, local);
        }

        if (spec.Group is { } group)
        {
            w.AttrAddress(group.AddressFamily == AddressFamily.InterNetwork ? Rtnl.IFLA_VXLAN_GROUP : Rtnl.IFLA_VXLAN_GROUP6, group);
        }

        w.AttrU8(Rtnl.IFLA_VXLAN_LEARNING, spec.Learning ? (byte)1 : (byte)0);
        w.AttrU16BigEndian(Rtnl.IFLA_VXLAN_PORT, spec.Port);
        w.EndNested(data);
        w.EndNested(linkInfo);
        Execute(w.Finish(), $"failed to create vxlan link \"{spec.Name}\" (vni {spec.Vni}, port {spec.Port})");
    }
}
