using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// The keys of a network whose containers join a Linux bridge through a veth pair (bridge, vxlan), with the
/// reference bridge plugin's names and defaults; each plugin adds its own, its bridge's default name included.
/// </summary>
public abstract class BridgedNetConf : NetConf, IMacSources
{
    public bool IsGateway { get; set; }

    public bool IsDefaultGateway { get; set; }

    public bool IpMasq { get; set; }

    public string? IpMasqBackend { get; set; }

    public int Mtu { get; set; }

    public bool HairpinMode { get; set; }

    public string? Mac { get; set; }

    public MacRuntimeConfig? RuntimeConfig { get; set; }

    public MacArgs? Args { get; set; }

    /// <summary>Config dns wins over IPAM's when any of its fields is set, as in the reference.</summary>
    public bool HasDns => Dns is { } d && (d.Nameservers is not null || d.Search is not null || d.Options is not null || !string.IsNullOrEmpty(d.Domain));

    protected override bool ReadKey(ref Utf8JsonReader r, string key, ReadOnlyMemory<byte> json)
    {
        switch (key)
        {
            case "isgateway": IsGateway = JsonRead.Bool(ref r, key) ?? IsGateway; return true;
            case "isdefaultgateway": IsDefaultGateway = JsonRead.Bool(ref r, key) ?? IsDefaultGateway; return true;
            case "ipmasq": IpMasq = JsonRead.Bool(ref r, key) ?? IpMasq; return true;
            case "ipmasqbackend": IpMasqBackend = JsonRead.Str(ref r, key) ?? IpMasqBackend; return true;
            case "mtu": Mtu = JsonRead.Int(ref r, key) ?? Mtu; return true;
            case "hairpinmode": HairpinMode = JsonRead.Bool(ref r, key) ?? HairpinMode; return true;
            case "mac": Mac = JsonRead.Str(ref r, key) ?? Mac; return true;
            case "runtimeconfig": RuntimeConfig = JsonRead.IsNull(ref r) ? RuntimeConfig : MacRuntimeConfig.Read(ref r); return true;
            case "args": Args = JsonRead.IsNull(ref r) ? Args : MacArgs.Read(ref r); return true;
            default: return base.ReadKey(ref r, key, json);
        }
    }
}
