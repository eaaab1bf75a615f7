using System.Text.Json.Serialization;
using CniPlugins.Types;

namespace CniPlugins.Bridge;

/// <summary>The bridge keys on top of the shared ones; names and defaults are the reference's.</summary>
internal sealed class BridgeConfig : BridgedNetConf
{
    [JsonPropertyName("bridge")]
    public string BridgeName { get; set; } = "cni0";

    [JsonPropertyName("forceAddress")]
    public bool ForceAddress { get; set; }

    [JsonPropertyName("promiscMode")]
    public bool PromiscMode { get; set; }

    [JsonPropertyName("vlan")]
    public int Vlan { get; set; }

    [JsonPropertyName("vlanTrunk")]
    public List<VlanTrunk>? VlanTrunk { get; set; }

    /// <summary>Keep the default VLAN 1 on the port next to vlan/vlanTrunk; true unless set, as in the reference.</summary>
    [JsonPropertyName("preserveDefaultVlan")]
    public bool PreserveDefaultVlan { get; set; } = true;

    [JsonPropertyName("macspoofchk")]
    public bool MacSpoofChk { get; set; }

    [JsonPropertyName("enabledad")]
    public bool EnableDad { get; set; }

    [JsonPropertyName("disableContainerInterface")]
    public bool DisableContainerInterface { get; set; }

    [JsonPropertyName("portIsolation")]
    public bool PortIsolation { get; set; }

    /// <summary>Ours: containers on this bridge cannot reach containers on other isolated bridges (Docker's user-defined networks).</summary>
    [JsonPropertyName("isolation")]
    public bool Isolation { get; set; }

    /// <summary>The trunk VLAN IDs, sorted and distinct, after validation.</summary>
    [JsonIgnore]
    public List<int> TrunkVlans { get; private set; } = [];

    public static BridgeConfig Parse(byte[] stdin)
    {
        var conf = Parse(stdin, BridgeJsonContext.Default.BridgeConfig);
        conf.Validate();
        return conf;
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

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(CidrAddressConverter), typeof(IPAddressConverter)])]
[JsonSerializable(typeof(BridgeConfig))]
internal sealed partial class BridgeJsonContext : JsonSerializerContext
{
}
