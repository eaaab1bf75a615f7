using System.Text.Json;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>The bridge keys on top of the shared ones; names and defaults are the reference's.</summary>
internal sealed class BridgeConfig : BridgedNetConf
{
    public string BridgeName { get; set; } = "cni0";

    public bool ForceAddress { get; set; }

    public bool PromiscMode { get; set; }

    public int Vlan { get; set; }

    public List<VlanTrunk>? VlanTrunk { get; set; }

    /// <summary>Keep the default VLAN 1 on the port next to vlan/vlanTrunk; true unless set, as in the reference.</summary>
    public bool PreserveDefaultVlan { get; set; } = true;

    public bool MacSpoofChk { get; set; }

    public bool EnableDad { get; set; }

    public bool DisableContainerInterface { get; set; }

    public bool PortIsolation { get; set; }

    /// <summary>Ours: containers on this bridge cannot reach containers on other isolated bridges (Docker's user-defined networks).</summary>
    public bool Isolation { get; set; }

    /// <summary>The trunk VLAN IDs, sorted and distinct, after validation.</summary>
    public List<int> TrunkVlans { get; private set; } = [];

    public static BridgeConfig Parse(byte[] stdin)
    {
        var conf = Parse<BridgeConfig>(stdin);
        conf.Validate();
        return conf;
    }

    protected override bool ReadKey(ref Utf8JsonReader r, string key, ReadOnlyMemory<byte> json)
    {
        switch (key)
        {
            case "bridge": BridgeName = JsonRead.Str(ref r, key) ?? BridgeName; return true;
            case "forceaddress": ForceAddress = JsonRead.Bool(ref r, key) ?? ForceAddress; return true;
            case "promiscmode": PromiscMode = JsonRead.Bool(ref r, key) ?? PromiscMode; return true;
            case "vlan": Vlan = JsonRead.Int(ref r, key) ?? Vlan; return true;
            case "vlantrunk": VlanTrunk = JsonRead.List(ref r, key, Types.VlanTrunk.Read) ?? VlanTrunk; return true;
            case "preservedefaultvlan": PreserveDefaultVlan = JsonRead.Bool(ref r, key) ?? PreserveDefaultVlan; return true;
            case "macspoofchk": MacSpoofChk = JsonRead.Bool(ref r, key) ?? MacSpoofChk; return true;
            case "enabledad": EnableDad = JsonRead.Bool(ref r, key) ?? EnableDad; return true;
            case "disablecontainerinterface": DisableContainerInterface = JsonRead.Bool(ref r, key) ?? DisableContainerInterface; return true;
            case "portisolation": PortIsolation = JsonRead.Bool(ref r, key) ?? PortIsolation; return true;
            case "isolation": Isolation = JsonRead.Bool(ref r, key) ?? Isolation; return true;
            default: return base.ReadKey(ref r, key, json);
        }
    }

    private void Validate()
    {
        if (Vlan < 0 || Vlan > 4094)
        {
            throw CniException.InvalidConfig($"invalid VLAN ID {Vlan} (must be between 0 and 4094)");
        }

        TrunkVlans = Types.VlanTrunk.Collect(VlanTrunk);
        if (Vlan > 0 && TrunkVlans.Count > 0)
        {
            throw CniException.InvalidConfig("cannot set vlan and vlanTrunk at the same time");
        }

        if (IsDefaultGateway)
        {
            IsGateway = true;
        }

        if (HairpinMode && PromiscMode)
        {
            throw CniException.InvalidConfig("cannot set hairpin mode and promiscuous mode at the same time");
        }

        if (DisableContainerInterface && IpamType is not null)
        {
            throw CniException.InvalidConfig("cannot use IPAM when DisableContainerInterface flag is set");
        }

        Ip.BridgeSetup.ValidateName(BridgeName);
        Firewall.IpMasq.SelectBackend(IpMasqBackend);
    }

}
