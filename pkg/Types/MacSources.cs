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

    public static MacRuntimeConfig Read(ref Utf8JsonReader r) => new() { Mac = ReadMac(ref r, "runtimeConfig") };

    /// <summary>The "mac" of the object the reader is on (any other key skipped); null when it has none.</summary>
    internal static string? ReadMac(ref Utf8JsonReader r, string name)
    {
        string? mac = null;
        JsonRead.Object(ref r, name);
        while (JsonRead.NextProperty(ref r, out string key))
        {
            if (key.Equals("mac", StringComparison.OrdinalIgnoreCase))
            {
                mac = JsonRead.Str(ref r, key) ?? mac;
            }
            else
            {
                r.Skip();
            }
        }

        return mac;
    }
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
            if (key.Equals("cni", StringComparison.OrdinalIgnoreCase) && !JsonRead.IsNull(ref r))
            {
                args.Cni = new MacArgsCni { Mac = MacRuntimeConfig.ReadMac(ref r, "args.cni") };
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
