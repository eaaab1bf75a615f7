using System.Text.Json.Serialization;

namespace CniPlugins.Types;

/// <summary>
/// The config keys that can set a container interface's MAC (bridge, macvlan): <c>mac</c>, <c>args.cni.mac</c> and
/// <c>runtimeConfig.mac</c> (the <c>mac</c> capability). CNI_ARGS <c>MAC=</c> is the fourth source;
/// <c>CniPlugins.Ip.ContainerMac</c> weighs them.
/// </summary>
public interface IMacSources
{
    string? Mac { get; }

    MacRuntimeConfig? RuntimeConfig { get; }

    MacArgs? Args { get; }
}

/// <summary><c>runtimeConfig</c> as far as the <c>mac</c> capability goes.</summary>
public sealed class MacRuntimeConfig
{
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }
}

/// <summary><c>args</c> as far as <c>args.cni.mac</c> goes.</summary>
public sealed class MacArgs
{
    [JsonPropertyName("cni")]
    public MacArgsCni? Cni { get; set; }
}

public sealed class MacArgsCni
{
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }
}
