using System.Net;
using System.Text.Json;
using CniPlugins.Netlink;
using CniPlugins.Overlay;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// The overlay's keys on top of the shared ones. Defaults follow Docker's overlay (l2, port 4789) and flannel's vxlan
/// backend (l3); names of the shared keys are the bridge plugin's.
/// </summary>
internal sealed class VxlanConfig : BridgedNetConf
{
    public const uint MaxVni = 16777215;

    public string? Mode { get; set; }

    public long Vni { get; set; }

    public int Port { get; set; } = 4789;

    public string? UnderlayInterface { get; set; }

    public string? LocalIP { get; set; }

    public string? Bridge { get; set; }

    public string? VxlanDevice { get; set; }

    /// <summary>l2: underlay addresses (strings); l3: objects with <c>underlay</c> and <c>subnet</c> or <c>subnets</c>.</summary>
    public List<JsonElement>? Peers { get; set; }

    /// <summary>l3: overlay-agent's state file for this network (subnet, vni, mtu, peers); see <see cref="SubnetFileMode"/>.</summary>
    public string? SubnetFile { get; set; }

    public string? Group { get; set; }

    public int Ttl { get; set; }

    public bool? Learning { get; set; }

    public bool IsL3 { get; private set; }

    public string BridgeName => string.IsNullOrEmpty(Bridge) ? $"vxbr{Vni}" : Bridge;

    public string DeviceName => string.IsNullOrEmpty(VxlanDevice) ? $"vxlan{Vni}" : VxlanDevice;

    public List<OverlayPeer> PeerList { get; private set; } = [];

    public IPAddress? LocalAddress { get; private set; }

    /// <summary>True once a subnet file was applied: the agent owns the peers, so none are removed here.</summary>
    public bool AgentOwnsPeers { get; private set; }

    /// <summary>From the subnet file: the whole cluster range, routed by containers instead of each peer's subnet.</summary>
    public CidrAddress? ClusterCidr { get; private set; }

    public IPAddress? GroupAddress { get; private set; }


    /// <summary>The underlay's address family: the local address's, the group's or the peers' (IPv4 when none says).</summary>
    public System.Net.Sockets.AddressFamily UnderlayFamily =>
        LocalAddress?.AddressFamily ?? GroupAddress?.AddressFamily ?? PeerList.FirstOrDefault()?.Underlay.AddressFamily
        ?? System.Net.Sockets.AddressFamily.InterNetwork;

    /// <summary><c>underlayInterface</c> or <c>localIP</c>, else the default route's interface; see <see cref="Underlay.Resolve"/>.</summary>
    public Underlay ResolveUnderlay(RtnlHandle host, int code = ErrorCode.InvalidNetworkConfig) =>
        Underlay.Resolve(host, UnderlayInterface, LocalAddress, UnderlayFamily, code);

    /// <summary>The VXLAN device this config asks for on <paramref name="underlay"/>; l3 devices carry the derived VTEP MAC.</summary>
    public VxlanSpec DeviceSpec(Underlay underlay) => new()
    {
        Name = DeviceName,
        Vni = (uint)Vni,
        Port = (ushort)Port,
        Local = underlay.Local,
        UnderlayIndex = underlay.Link.Index,
        Group = GroupAddress,
        Ttl = (byte)Ttl,
        Learning = !IsL3 && Learning != false,
        Mtu = underlay.OverlayMtu(Mtu),
        HardwareAddr = IsL3 ? VtepMac.ForUnderlay(underlay.Local) : null,
    };

    public static VxlanConfig Parse(byte[] stdin)
    {
        var conf = Parse<VxlanConfig>(stdin);
        conf.Validate();
        return conf;
    }

    protected override bool ReadKey(ref Utf8JsonReader r, string key, ReadOnlyMemory<byte> json)
    {
        switch (key)
        {
            case "mode": Mode = JsonRead.Str(ref r, key) ?? Mode; return true;
            case "vni": Vni = JsonRead.Long(ref r, key) ?? Vni; return true;
            case "port": Port = JsonRead.Int(ref r, key) ?? Port; return true;
            case "underlayinterface": UnderlayInterface = JsonRead.Str(ref r, key) ?? UnderlayInterface; return true;
            case "localip": LocalIP = JsonRead.Str(ref r, key) ?? LocalIP; return true;
            case "bridge": Bridge = JsonRead.Str(ref r, key) ?? Bridge; return true;
            case "vxlandevice": VxlanDevice = JsonRead.Str(ref r, key) ?? VxlanDevice; return true;
            // Kept as JSON values: VxlanPeer tells an l2 address from an l3 object and names a malformed one.
            case "peers": Peers = JsonRead.List(ref r, key, JsonElement.ParseValue) ?? Peers; return true;
            case "subnetfile": SubnetFile = JsonRead.Str(ref r, key) ?? SubnetFile; return true;
            case "group": Group = JsonRead.Str(ref r, key) ?? Group; return true;
            case "ttl": Ttl = JsonRead.Int(ref r, key) ?? Ttl; return true;
            case "learning": Learning = JsonRead.Bool(ref r, key) ?? Learning; return true;
            default: return base.ReadKey(ref r, key, json);
        }
    }

    private void Validate()
    {
        IsL3 = Mode switch
        {
            null or "" or "l2" => false,
            "l3" => true,
            _ => throw CniException.InvalidConfig($"unknown mode \"{Mode}\"", "use \"l2\" (one subnet across hosts) or \"l3\" (a subnet per host)"),
        };

        if (!string.IsNullOrEmpty(SubnetFile))
        {
            if (Mode != "l3")
            {
                throw CniException.InvalidConfig("subnetFile is for l3 mode", "set \"mode\": \"l3\"; overlay-agent leases each node a subnet");
            }

            if (Peers is { Count: > 0 })
            {
                throw CniException.InvalidConfig("peers and subnetFile exclude each other", "with subnetFile, overlay-agent publishes the peers; remove peers");
            }
        }
        else
        {
            SubnetFile = null;
        }

        // With a subnet file the vni may be left out: the file's is the network's.
        if ((Vni != 0 || SubnetFile is null) && (Vni < 1 || Vni > MaxVni))
        {
            throw CniException.InvalidConfig($"invalid vni {Vni}", $"a VXLAN network identifier is 1 to {MaxVni}");
        }

        if (Port < 1 || Port > 65535)
        {
            throw CniException.InvalidConfig($"invalid port {Port}", "a UDP port is 1 to 65535 (default 4789)");
        }

        if (Mtu < 0)
        {
            throw CniException.InvalidConfig($"invalid mtu {Mtu}", "leave mtu out to derive it from the underlay");
        }

        if (Ttl < 0 || Ttl > 255)
        {
            throw CniException.InvalidConfig($"invalid ttl {Ttl}", "ttl is 0 (inherit) to 255");
        }

        Ip.BridgeSetup.ValidateName(BridgeName);
        Ip.BridgeSetup.ValidateName(DeviceName, "vxlanDevice");
        if (DeviceName == BridgeName)
        {
            throw CniException.InvalidConfig($"bridge and vxlanDevice are both \"{BridgeName}\"", "give them different names");
        }

        if (!string.IsNullOrEmpty(LocalIP))
        {
            LocalAddress = IPAddress.TryParse(LocalIP, out var local) && !local.Equals(IPAddress.Any) && !local.Equals(IPAddress.IPv6Any)
                ? local
                : throw CniException.InvalidConfig($"localIP \"{LocalIP}\" is not a unicast address");
        }

        if (!string.IsNullOrEmpty(Group))
        {
            GroupAddress = IPAddress.TryParse(Group, out var g) && IsMulticast(g)
                ? g
                : throw CniException.InvalidConfig($"group \"{Group}\" is not a multicast address");
            if (IsL3 || Peers is { Count: > 0 })
            {
                throw CniException.InvalidConfig("group is for l2 mode without peers",
                    "flood through either a multicast group or a list of peers, not both; l3 mode needs peers");
            }
        }

        if (IsL3 && Learning == true)
        {
            throw CniException.InvalidConfig("learning is off in l3 mode", "every peer's entries come from the config");
        }

        if (IsL3)
        {
            IsGateway = true;
            if (IpamType is null)
            {
                throw CniException.InvalidConfig("l3 mode needs ipam", "each host's containers get addresses from its own subnet, e.g. host-local");
            }
        }

        if (IsDefaultGateway)
        {
            IsGateway = true;
        }

        PeerList = (Peers ?? []).Select(p => VxlanPeer.FromJson(p, IsL3)).ToList();
        var family = UnderlayFamily;
        if (PeerList.Find(p => p.Underlay.AddressFamily != family) is { } odd)
        {
            throw CniException.InvalidConfig($"peer {odd.Underlay} is not of the underlay's address family",
                "the local address, the group and every peer are all IPv4 or all IPv6");
        }

        Firewall.IpMasq.SelectBackend(IpMasqBackend);
    }

    /// <summary>The file's vni and mtu are the network's (the agent made the device with them); a config that says otherwise is refused.</summary>
    public void UseSubnetFile(Overlay.SubnetFile file)
    {
        if (Vni != 0 && Vni != file.Vni)
        {
            throw CniException.InvalidConfig($"vni {Vni} differs from {file.Vni} in subnet file {SubnetFile}", "leave vni out, or run overlay-agent with the same --vni");
        }

        if (Mtu != 0 && file.Mtu != 0 && Mtu != file.Mtu)
        {
            throw CniException.InvalidConfig($"mtu {Mtu} differs from {file.Mtu} in subnet file {SubnetFile}", "leave mtu out, or run overlay-agent with the same --mtu");
        }

        Vni = file.Vni;
        Mtu = file.Mtu;
        PeerList = file.PeerList;
        ClusterCidr = file.ClusterCidrValue;
        AgentOwnsPeers = true;
    }

    private static bool IsMulticast(IPAddress a) =>
        a.IsIPv6Multicast || (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (a.GetAddressBytes()[0] & 0xf0) == 0xe0);
}
