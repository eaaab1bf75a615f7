using System.Buffers.Binary;

namespace CniPlugins.Netlink;

/// <summary>A network interface as RTM_NEWLINK describes it.</summary>
public sealed class Link
{
    public int Index { get; init; }

    public string Name { get; init; } = "";

    public uint Flags { get; init; }

    public int Mtu { get; init; }

    public byte[] HardwareAddr { get; init; } = [];

    /// <summary>IFLA_MASTER: the bridge (or bond) this link is a port of; 0 when none.</summary>
    public int MasterIndex { get; init; }

    /// <summary>IFLA_LINK: the parent (macvlan, vxlan) or the peer's index (veth); 0 when none.</summary>
    public int ParentIndex { get; init; }

    /// <summary>IFLA_LINK_NETNSID: set when <see cref="ParentIndex"/> lives in another namespace.</summary>
    public int? LinkNetnsId { get; init; }

    public byte OperState { get; init; }

    /// <summary>IFLA_INFO_KIND: "bridge", "veth", "macvlan", "vxlan"...; null for physical devices and lo.</summary>
    public string? Kind { get; init; }

    /// <summary>IFLA_INFO_SLAVE_KIND: "bridge" for a bridge port.</summary>
    public string? SlaveKind { get; init; }

    /// <summary>IFLA_INFO_DATA, undecoded (see <see cref="InfoAttr"/>).</summary>
    public byte[]? InfoData { get; init; }

    /// <summary>IFLA_INFO_SLAVE_DATA, undecoded: for bridge ports IFLA_BRPORT_MODE, IFLA_BRPORT_ISOLATED...</summary>
    public byte[]? InfoSlaveData { get; init; }

    public bool IsUp => (Flags & Rtnl.IFF_UP) != 0;

    public bool IsPromisc => (Flags & Rtnl.IFF_PROMISC) != 0;

    /// <summary>"aa:bb:cc:dd:ee:ff", the form CNI results use.</summary>
    public string Mac => MacAddress.Format(HardwareAddr);

    /// <summary>Looks up one attribute in <see cref="InfoData"/> (or the slave data) as a u32/u8 number.</summary>
    public static uint? InfoAttr(byte[]? data, ushort type)
    {
        if (data is null)
        {
            return null;
        }

        var attrs = new NetlinkAttributeReader(data);
        while (attrs.MoveNext())
        {
            if (attrs.Type == type)
            {
                return attrs.Value.Length switch
                {
                    1 => attrs.Value[0],
                    2 => BinaryPrimitives.ReadUInt16LittleEndian(attrs.Value),
                    >= 4 => BinaryPrimitives.ReadUInt32LittleEndian(attrs.Value),
                    _ => null,
                };
            }
        }

        return null;
    }

    internal static bool TryParse(ushort type, ReadOnlySpan<byte> payload, out Link link)
    {
        link = null!;
        if (type != Rtnl.RTM_NEWLINK || payload.Length < 16)
        {
            return false;
        }

        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        string name = "";
        int mtu = 0, master = 0, parent = 0;
        int? linkNetnsId = null;
        byte operState = 0;
        byte[] mac = [];
        string? kind = null, slaveKind = null;
        byte[]? infoData = null, slaveData = null;

        var attrs = new NetlinkAttributeReader(payload[16..]);
        while (attrs.MoveNext())
        {
            switch (attrs.Type)
            {
                case Rtnl.IFLA_IFNAME: name = attrs.String; break;
                case Rtnl.IFLA_MTU: mtu = attrs.I32; break;
                case Rtnl.IFLA_MASTER: master = attrs.I32; break;
                case Rtnl.IFLA_LINK: parent = attrs.I32; break;
                case Rtnl.IFLA_LINK_NETNSID: linkNetnsId = attrs.I32; break;
                case Rtnl.IFLA_OPERSTATE: operState = attrs.U8; break;
                case Rtnl.IFLA_ADDRESS: mac = attrs.Value.ToArray(); break;
                case Rtnl.IFLA_LINKINFO:
                    var info = new NetlinkAttributeReader(attrs.Value);
                    while (info.MoveNext())
                    {
                        switch (info.Type)
                        {
                            case Rtnl.IFLA_INFO_KIND: kind = info.String; break;
                            case Rtnl.IFLA_INFO_SLAVE_KIND: slaveKind = info.String; break;
                            case Rtnl.IFLA_INFO_DATA: infoData = info.Value.ToArray(); break;
                            case Rtnl.IFLA_INFO_SLAVE_DATA: slaveData = info.Value.ToArray(); break;
                        }
                    }

                    break;
            }
        }

        link = new Link
        {
            Index = index,
            Name = name,
            Flags = flags,
            Mtu = mtu,
            HardwareAddr = mac,
            MasterIndex = master,
            ParentIndex = parent,
            LinkNetnsId = linkNetnsId,
            OperState = operState,
            Kind = kind,
            SlaveKind = slaveKind,
            InfoData = infoData,
            InfoSlaveData = slaveData,
        };
        return true;
    }
}
