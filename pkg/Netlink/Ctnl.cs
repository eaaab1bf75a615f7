namespace CniPlugins.Netlink;

/// <summary>
/// ctnetlink numbers (include/uapi/linux/netfilter/nfnetlink.h, nfnetlink_conntrack.h), spelled as the headers
/// spell them: the kernel header test compares each with them.
/// </summary>
public static class Ctnl
{
    public const byte NFNETLINK_V0 = 0;
    public const byte NFNL_SUBSYS_CTNETLINK = 1;
    public const byte IPCTNL_MSG_CT_NEW = 0;
    public const byte IPCTNL_MSG_CT_GET = 1;
    public const byte IPCTNL_MSG_CT_DELETE = 2;

    public const ushort CTA_TUPLE_ORIG = 1;
    public const ushort CTA_ZONE = 18;
    public const ushort CTA_TUPLE_IP = 1;
    public const ushort CTA_TUPLE_PROTO = 2;
    public const ushort CTA_IP_V4_SRC = 1;
    public const ushort CTA_IP_V4_DST = 2;
    public const ushort CTA_IP_V6_SRC = 3;
    public const ushort CTA_IP_V6_DST = 4;
    public const ushort CTA_PROTO_NUM = 1;
    public const ushort CTA_PROTO_SRC_PORT = 2;
    public const ushort CTA_PROTO_DST_PORT = 3;

    /// <summary>struct nfgenmsg: family, version, res_id (big-endian).</summary>
    public const int NfGenMsgLen = 4;
}
