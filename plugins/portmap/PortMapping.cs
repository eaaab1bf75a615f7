using System.Net;
using System.Text.Json;
using CniPlugins.Types;

namespace CniPlugins.Portmap;

/// <summary>One <c>runtimeConfig.portMappings</c> entry (CONVENTIONS.md), as Docker's <c>-p [hostIP:]hostPort:containerPort[/protocol]</c>.</summary>
internal sealed class PortMapping
{
    public int HostPort { get; set; }

    public int ContainerPort { get; set; }

    public string? Protocol { get; set; }

    public string? HostIP { get; set; }

    /// <summary>The protocol in lower case, tcp when unset; valid after <see cref="PortmapConfig"/> validation.</summary>
    public string Proto { get; internal set; } = "tcp";

    /// <summary>The host address the mapping is bound to; null when any (unset, 0.0.0.0 or ::).</summary>
    public IPAddress? BoundIP { get; internal set; }

    /// <summary>The family of hostIP when one is given (unspecified included), else null: the mapping then applies to both.</summary>
    public bool? HostIsV6 { get; internal set; }

    public static PortMapping Read(ref Utf8JsonReader r)
    {
        var m = new PortMapping();
        JsonRead.Object(ref r, "a portMappings entry");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "hostport": m.HostPort = JsonRead.Int(ref r, key) ?? m.HostPort; break;
                case "containerport": m.ContainerPort = JsonRead.Int(ref r, key) ?? m.ContainerPort; break;
                case "protocol": m.Protocol = JsonRead.Str(ref r, key) ?? m.Protocol; break;
                case "hostip": m.HostIP = JsonRead.Str(ref r, key) ?? m.HostIP; break;
                default: r.Skip(); break;
            }
        }

        return m;
    }

    /// <summary>Whether the mapping applies to the container's address of this family.</summary>
    public bool AppliesTo(bool v6) => HostIsV6 is null || HostIsV6 == v6;
}
