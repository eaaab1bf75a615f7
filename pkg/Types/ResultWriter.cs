using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// Prints a result in the shape of a spec version with a bare <see cref="Utf8JsonWriter"/>, in the reference's key
/// order and four-space indentation. Every ADD ends here; building serializer metadata for it would cost a
/// plugin a sixth of its run.
/// </summary>
internal static class ResultWriter
{
    private static readonly JsonWriterOptions s_options =
        new() { Indented = true, IndentSize = 4, Encoder = GoJsonEncoder.Instance };

    public static byte[] Write(Result r, string version)
    {
        using var buffer = new MemoryStream(512);
        using (var w = new Utf8JsonWriter(buffer, s_options))
        {
            w.WriteStartObject();
            w.WriteString("cniVersion"u8, version);
            if (CniVersion.IsLegacy020(version))
            {
                Write020(w, r);
            }
            else
            {
                bool v04 = CniVersion.Is04x(version);
                WriteInterfaces(w, r.Interfaces, v04);
                WriteIps(w, r.Ips, v04);
                WriteRoutes(w, r.Routes, full: true);
            }

            WriteDns(w, r.Dns);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteInterfaces(Utf8JsonWriter w, List<Interface>? interfaces, bool v04)
    {
        if (interfaces is not { Count: > 0 })
        {
            return;
        }

        w.WriteStartArray("interfaces"u8);
        foreach (var i in interfaces)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, i.Name);
            Optional(w, "mac"u8, i.Mac);
            if (!v04 && i.Mtu != 0)
            {
                w.WriteNumber("mtu"u8, i.Mtu);
            }

            Optional(w, "sandbox"u8, i.Sandbox);
            if (!v04)
            {
                Optional(w, "socketPath"u8, i.SocketPath);
                Optional(w, "pciID"u8, i.PciId);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteIps(Utf8JsonWriter w, List<IPConfig>? ips, bool v04)
    {
        if (ips is not { Count: > 0 })
        {
            return;
        }

        w.WriteStartArray("ips"u8);
        foreach (var ip in ips)
        {
            w.WriteStartObject();
            if (v04)
            {
                w.WriteString("version"u8, ip.Address.IsIPv4 ? "4" : "6");
            }

            if (ip.Interface is int index)
            {
                w.WriteNumber("interface"u8, index);
            }

            w.WriteString("address"u8, ip.Address.ToString());
            Optional(w, "gateway"u8, ip.Gateway?.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <param name="full">All route fields (0.3 and later); only dst and gw in 0.1/0.2 results.</param>
    private static void WriteRoutes(Utf8JsonWriter w, IEnumerable<Route>? routes, bool full, bool always = false)
    {
        var list = routes?.ToList();
        if (list is not { Count: > 0 } && !always)
        {
            return;
        }

        w.WriteStartArray("routes"u8);
        foreach (var r in list ?? [])
        {
            w.WriteStartObject();
            w.WriteString("dst"u8, r.Dst.ToString());
            Optional(w, "gw"u8, r.Gw?.ToString());
            if (full)
            {
                NonZero(w, "mtu"u8, r.Mtu);
                NonZero(w, "advmss"u8, r.AdvMss);
                NonZero(w, "priority"u8, r.Priority);
                if (r.Table is int table)
                {
                    w.WriteNumber("table"u8, table);
                }

                if (r.Scope is int scope)
                {
                    w.WriteNumber("scope"u8, scope);
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Write020(Utf8JsonWriter w, Result r)
    {
        var v4 = r.Ips?.FirstOrDefault(ip => ip.Address.IsIPv4);
        var v6 = r.Ips?.FirstOrDefault(ip => !ip.Address.IsIPv4);
        if (v4 is null && v6 is null)
        {
            throw new CniException(ErrorCode.Internal, "cannot convert: no valid IP addresses");
        }

        foreach (var (name, ip, isV4) in new[] { ("ip4", v4, true), ("ip6", v6, false) })
        {
            if (ip is null)
            {
                continue;
            }

            w.WriteStartObject(name);
            w.WriteString("ip"u8, ip.Address.ToString());
            Optional(w, "gateway"u8, ip.Gateway?.ToString());
            WriteRoutes(w, r.Routes?.Where(rt => rt.Dst.IsIPv4 == isV4), full: false);
            w.WriteEndObject();
        }
    }

    private static void WriteDns(Utf8JsonWriter w, Dns? dns)
    {
        if (dns is null || dns.IsEmpty)
        {
            return;
        }

        w.WriteStartObject("dns"u8);
        OptionalList(w, "nameservers"u8, dns.Nameservers);
        Optional(w, "domain"u8, dns.Domain);
        OptionalList(w, "search"u8, dns.Search);
        OptionalList(w, "options"u8, dns.Options);
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(key, value);
        }
    }

    private static void NonZero(Utf8JsonWriter w, ReadOnlySpan<byte> key, int value)
    {
        if (value != 0)
        {
            w.WriteNumber(key, value);
        }
    }

    private static void OptionalList(Utf8JsonWriter w, ReadOnlySpan<byte> key, List<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        w.WriteStartArray(key);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
