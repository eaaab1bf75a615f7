using System.Text.Json;

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
    public string? Mac { get; set; }

    public static MacRuntimeConfig Read(ref Utf8JsonReader r) => new() { Mac = JsonRead.StrUnder(ref r, "runtimeConfig", "mac") };
}

/// <summary><c>args</c> as far as <c>args.cni.mac</c> goes.</summary>
public sealed class MacArgs
{
    public MacArgsCni? Cni { get; set; }

    public static MacArgs Read(ref Utf8JsonReader r)
    {
        var args = new MacArgs();
        JsonRead.Object(ref r, "args");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            if (key.ToLowerInvariant() == "cni" && !JsonRead.IsNull(ref r))
            {
                args.Cni = new MacArgsCni { Mac = JsonRead.StrUnder(ref r, "args.cni", "mac") };
            }
            else
            {
                r.Skip();
            }
        }

        return args;
    }
}

public sealed class MacArgsCni
{
    public string? Mac { get; set; }
}
