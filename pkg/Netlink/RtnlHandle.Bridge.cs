namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>Equivalent to <c>ip link add {name} [mtu M] [address A] type bridge [vlan_filtering 1]</c>.</summary>
    public void BridgeAdd(string name, int mtu, bool vlanFiltering, byte[]? mac = null)
    {
        LinkAdd(new LinkSpec
        {
            Name = name,
            Kind = "bridge",
            Mtu = mtu,
            HardwareAddr = mac,
            InfoData = vlanFiltering ? (ref NetlinkWriter w) => w.AttrU8(Rtnl.IFLA_BR_VLAN_FILTERING, 1) : null,
        });
    }

    /// <summary>Equivalent to <c>bridge link set dev {port} hairpin on|off</c>.</summary>
    public void BridgePortSetHairpin(int portIndex, bool on) => BridgePortSet(portIndex, Rtnl.IFLA_BRPORT_MODE, on, "hairpin");

    /// <summary>Equivalent to <c>bridge link set dev {port} isolated on|off</c>.</summary>
    public void BridgePortSetIsolated(int portIndex, bool on) => BridgePortSet(portIndex, Rtnl.IFLA_BRPORT_ISOLATED, on, "isolated");

    /// <summary>
    /// Equivalent to <c>bridge vlan add dev {port} vid {vid} [pvid] [untagged] master</c> (or <c>self</c> on the
    /// bridge device itself).
    /// </summary>
    public void BridgeVlanAdd(int index, ushort vid, bool pvid, bool untagged, bool self = false) =>
        BridgeVlan(Rtnl.RTM_SETLINK, index, vid, pvid, untagged, self, "add");

    /// <summary>Equivalent to <c>bridge vlan del dev {port} vid {vid} master</c>.</summary>
    public void BridgeVlanDel(int index, ushort vid, bool self = false) =>
        BridgeVlan(Rtnl.RTM_DELLINK, index, vid, false, false, self, "delete");

    private void BridgePortSet(int portIndex, ushort attr, bool on, string what)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_SETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_BRIDGE, portIndex);
        int protinfo = w.BeginNested(Rtnl.IFLA_PROTINFO | Rtnl.NLA_F_NESTED);
        w.AttrU8(attr, on ? (byte)1 : (byte)0);
        w.EndNested(protinfo);
        Execute(w.Finish(), $"failed to set {what} {(on ? "on" : "off")} on bridge port {portIndex}");
    }

    private void BridgeVlan(ushort type, int index, ushort vid, bool pvid, bool untagged, bool self, string verb)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, NextSeq());
        w.IfInfoMsg(Interop.AF_BRIDGE, index);
        int spec = w.BeginNested(Rtnl.IFLA_AF_SPEC);
        w.AttrU16(Rtnl.IFLA_BRIDGE_FLAGS, self ? Rtnl.BRIDGE_FLAGS_SELF : Rtnl.BRIDGE_FLAGS_MASTER);
        Span<byte> info = stackalloc byte[4];
        ushort flags = (ushort)((pvid ? Rtnl.BRIDGE_VLAN_INFO_PVID : 0) | (untagged ? Rtnl.BRIDGE_VLAN_INFO_UNTAGGED : 0));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(info, flags);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(info[2..], vid);
        w.Attr(Rtnl.IFLA_BRIDGE_VLAN_INFO, info);
        w.EndNested(spec);
        Execute(w.Finish(), $"failed to {verb} vlan {vid} on link {index}");
    }
}
