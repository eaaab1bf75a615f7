using System.Net;

namespace CniPlugins.Types;

/// <summary>
/// The success result in its newest shape (spec 1.0.0 and 1.1.0 are identical). Plugins build this one; it is
/// converted to the shape of the config's cniVersion only when printed (see <see cref="ResultJson"/>). The JSON
/// names and shapes of every version are in <see cref="ResultWriter"/> and <see cref="ResultReader"/>.
/// </summary>
public sealed class Result
{
    public string CniVersion { get; set; } = CniPlugins.Types.CniVersion.Current;

    public List<Interface>? Interfaces { get; set; }

    public List<IPConfig>? Ips { get; set; }

    public List<Route>? Routes { get; set; }

    public Dns? Dns { get; set; }
}

public sealed class Interface
{
    public string Name { get; set; } = "";

    public string? Mac { get; set; }

    public int Mtu { get; set; }

    public string? Sandbox { get; set; }

    public string? SocketPath { get; set; }

    public string? PciId { get; set; }
}

public sealed class IPConfig
{
    /// <summary>Index into <see cref="Result.Interfaces"/>; absent in IPAM results.</summary>
    public int? Interface { get; set; }

    public CidrAddress Address { get; set; }

    public IPAddress? Gateway { get; set; }
}

public sealed class Route
{
    public CidrAddress Dst { get; set; }

    public IPAddress? Gw { get; set; }

    public int Mtu { get; set; }

    public int AdvMss { get; set; }

    public int Priority { get; set; }

    public int? Table { get; set; }

    public int? Scope { get; set; }
}

public sealed class Dns
{
    public List<string>? Nameservers { get; set; }

    public string? Domain { get; set; }

    public List<string>? Search { get; set; }

    public List<string>? Options { get; set; }

    public bool IsEmpty =>
        (Nameservers is null || Nameservers.Count == 0) && string.IsNullOrEmpty(Domain) &&
        (Search is null || Search.Count == 0) && (Options is null || Options.Count == 0);
}
