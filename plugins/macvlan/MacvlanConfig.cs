using System.Text.Json;
using CniPlugins.Types;

namespace CniPlugins.Macvlan;

/// <summary>The macvlan keys on top of the shared ones; names and defaults are the reference's.</summary>
internal sealed class MacvlanConfig : NetConf, IMacSources
{
    /// <summary>Parent link; empty means the interface of the default route.</summary>
    public string? Master { get; set; }

    public string? Mode { get; set; }

    /// <summary>0 keeps the kernel's choice (the master's MTU); may not exceed the master's.</summary>
    public int Mtu { get; set; }

    public string? Mac { get; set; }

    /// <summary>The master lives in the container's namespace, not the host's.</summary>
    public bool LinkInContainer { get; set; }

    /// <summary>IFLA_MACVLAN_BC_QUEUE_LEN; 0 keeps the kernel default.</summary>
    public uint BcQueueLen { get; set; }

    public MacRuntimeConfig? RuntimeConfig { get; set; }

    public MacArgs? Args { get; set; }

    public static MacvlanConfig Parse(byte[] stdin) => Parse<MacvlanConfig>(stdin);

    protected override bool ReadKey(ref Utf8JsonReader r, string key, ReadOnlyMemory<byte> json)
    {
        switch (key)
        {
            case "master": Master = JsonRead.Str(ref r, key) ?? Master; return true;
            case "mode": Mode = JsonRead.Str(ref r, key) ?? Mode; return true;
            case "mtu": Mtu = JsonRead.Int(ref r, key) ?? Mtu; return true;
            case "mac": Mac = JsonRead.Str(ref r, key) ?? Mac; return true;
            case "linkincontainer": LinkInContainer = JsonRead.Bool(ref r, key) ?? LinkInContainer; return true;
            case "bcqueuelen": BcQueueLen = JsonRead.UInt(ref r, key) ?? BcQueueLen; return true;
            case "runtimeconfig": RuntimeConfig = JsonRead.IsNull(ref r) ? RuntimeConfig : MacRuntimeConfig.Read(ref r); return true;
            case "args": Args = JsonRead.IsNull(ref r) ? Args : MacArgs.Read(ref r); return true;
            default: return base.ReadKey(ref r, key, json);
        }
    }
}
