using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// Reads a result (an IPAM plugin's output, a prevResult) written in the shape of any spec version into
/// <see cref="Result"/>, in one pass of a <see cref="Utf8JsonReader"/> (see <see cref="JsonRead"/> for why not a
/// serializer context, and for the encoding/json rules it follows). Shapes: 1.x as <see cref="Result"/>; 0.3.x and
/// 0.4.0 the same but for interfaces without mtu, socketPath and pciID and ips with a "version"; 0.1.0 and 0.2.0 an
/// <c>ip4</c> and an <c>ip6</c> object, each with its own routes. An address or destination is required: one that is
/// absent has no value to stand for, and would surface later as a null address.
/// </summary>
internal static class ResultReader
{
    public static Result Read(ReadOnlySpan<byte> json, string version)
    {
        var r = new Utf8JsonReader(json);
        JsonRead.Start(ref r);
        if (JsonRead.IsNull(ref r))
        {
            throw new JsonException("the result is null");
        }

        var result = CniVersion.IsLegacy020(version) ? Read020(ref r) : ReadList(ref r, version);
        JsonRead.End(ref r);
        return result;
    }

    /// <summary>The list shape of 0.3.0 and later; a 1.x result takes the config's version, an older one keeps its own.</summary>
    private static Result ReadList(ref Utf8JsonReader r, string version)
    {
        bool is04 = CniVersion.Is04x(version);
        var result = new Result { CniVersion = is04 ? "0.4.0" : version };
        JsonRead.Object(ref r, "the result");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "cniversion":
                    string? written = JsonRead.Str(ref r, key);
                    result.CniVersion = is04 ? written ?? result.CniVersion : version;
                    break;
                case "interfaces":
                    result.Interfaces = is04 ? JsonRead.List(ref r, key, Interface04) : JsonRead.List(ref r, key, Interface);
                    break;
                case "ips": result.Ips = JsonRead.List(ref r, key, IpConfig); break;
                case "routes": result.Routes = JsonRead.List(ref r, key, Route); break;
                case "dns": result.Dns = JsonRead.IsNull(ref r) ? null : Dns(ref r); break;
                default: r.Skip(); break;
            }
        }

        return result;
    }

    private static Result Read020(ref Utf8JsonReader r)
    {
        var result = new Result { CniVersion = "0.2.0", Ips = [], Routes = [] };
        Ip020? ip4 = null, ip6 = null;
        JsonRead.Object(ref r, "the result");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "cniversion": result.CniVersion = JsonRead.Str(ref r, key) ?? result.CniVersion; break;
                case "ip4": ip4 = JsonRead.IsNull(ref r) ? null : IpConfig020(ref r, key); break;
                case "ip6": ip6 = JsonRead.IsNull(ref r) ? null : IpConfig020(ref r, key); break;
                case "dns": result.Dns = JsonRead.IsNull(ref r) ? null : Dns(ref r); break;
                default: r.Skip(); break;
            }
        }

        foreach (var ip in (ReadOnlySpan<Ip020?>)[ip4, ip6])
        {
            if (ip is not null)
            {
                result.Ips.Add(ip.Config);
                result.Routes.AddRange(ip.Routes);
            }
        }

        return result;
    }

    private static Interface Interface(ref Utf8JsonReader r) => ReadInterface(ref r, withLinkDetails: true);

    /// <summary>An interface of 0.3.x and 0.4.0, which know only name, mac and sandbox.</summary>
    private static Interface Interface04(ref Utf8JsonReader r) => ReadInterface(ref r, withLinkDetails: false);

    private static Interface ReadInterface(ref Utf8JsonReader r, bool withLinkDetails)
    {
        var i = new Interface();
        JsonRead.Object(ref r, "an interface");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "name": i.Name = JsonRead.Str(ref r, key) ?? i.Name; break;
                case "mac": i.Mac = JsonRead.Str(ref r, key) ?? i.Mac; break;
                case "sandbox": i.Sandbox = JsonRead.Str(ref r, key) ?? i.Sandbox; break;
                case "mtu" when withLinkDetails: i.Mtu = JsonRead.Int(ref r, key) ?? i.Mtu; break;
                case "socketpath" when withLinkDetails: i.SocketPath = JsonRead.Str(ref r, key) ?? i.SocketPath; break;
                case "pciid" when withLinkDetails: i.PciId = JsonRead.Str(ref r, key) ?? i.PciId; break;
                default: r.Skip(); break;
            }
        }

        return i;
    }

    /// <summary>An entry of "ips"; the "version" of 0.3.x and 0.4.0 follows from the address and is not kept.</summary>
    private static IPConfig IpConfig(ref Utf8JsonReader r)
    {
        CidrAddress? address = null;
        var ip = new IPConfig();
        JsonRead.Object(ref r, "an ips entry");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "interface": ip.Interface = JsonRead.Int(ref r, key); break;
                case "address": address = JsonRead.Cidr(ref r, key) ?? address; break;
                case "gateway": ip.Gateway = JsonRead.Ip(ref r, key); break;
                case "version": JsonRead.Str(ref r, key); break;
                default: r.Skip(); break;
            }
        }

        ip.Address = address ?? throw new JsonException("an ips entry has no \"address\"");
        return ip;
    }

    private static Route Route(ref Utf8JsonReader r) => ReadRoute(ref r, withAttributes: true);

    /// <summary>A route of 0.1.0 and 0.2.0: only dst and gw.</summary>
    private static Route Route020(ref Utf8JsonReader r) => ReadRoute(ref r, withAttributes: false);

    private static Route ReadRoute(ref Utf8JsonReader r, bool withAttributes)
    {
        CidrAddress? dst = null;
        var route = new Route();
        JsonRead.Object(ref r, "a route");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "dst": dst = JsonRead.Cidr(ref r, key) ?? dst; break;
                case "gw": route.Gw = JsonRead.Ip(ref r, key); break;
                case "mtu" when withAttributes: route.Mtu = JsonRead.Int(ref r, key) ?? route.Mtu; break;
                case "advmss" when withAttributes: route.AdvMss = JsonRead.Int(ref r, key) ?? route.AdvMss; break;
                case "priority" when withAttributes: route.Priority = JsonRead.Int(ref r, key) ?? route.Priority; break;
                case "table" when withAttributes: route.Table = JsonRead.Int(ref r, key); break;
                case "scope" when withAttributes: route.Scope = JsonRead.Int(ref r, key); break;
                default: r.Skip(); break;
            }
        }

        route.Dst = dst ?? throw new JsonException("a route has no \"dst\"");
        return route;
    }

    /// <summary>A dns object, in a result or in a config.</summary>
    internal static Dns Dns(ref Utf8JsonReader r)
    {
        var dns = new Dns();
        JsonRead.Object(ref r, "dns");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "nameservers": dns.Nameservers = JsonRead.List(ref r, key, DnsString); break;
                case "domain": dns.Domain = JsonRead.Str(ref r, key) ?? dns.Domain; break;
                case "search": dns.Search = JsonRead.List(ref r, key, DnsString); break;
                case "options": dns.Options = JsonRead.List(ref r, key, DnsString); break;
                default: r.Skip(); break;
            }
        }

        return dns;
    }

    private static string DnsString(ref Utf8JsonReader r) => JsonRead.StrItem(ref r, "dns");

    /// <summary>"ip4" or "ip6" of 0.1.0 and 0.2.0: the address, its gateway and the routes that go with it.</summary>
    private static Ip020 IpConfig020(ref Utf8JsonReader r, string name)
    {
        CidrAddress? address = null;
        var ip = new Ip020();
        JsonRead.Object(ref r, name);
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "ip": address = JsonRead.Cidr(ref r, key) ?? address; break;
                case "gateway": ip.Config.Gateway = JsonRead.Ip(ref r, key); break;
                case "routes": ip.Routes = JsonRead.List(ref r, key, Route020) ?? []; break;
                default: r.Skip(); break;
            }
        }

        ip.Config.Address = address ?? throw new JsonException($"{name} has no \"ip\"");
        return ip;
    }

    private sealed class Ip020
    {
        public IPConfig Config { get; } = new();

        public List<Route> Routes { get; set; } = [];
    }
}
