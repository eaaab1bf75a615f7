using System.Text.Json;
using CniPlugins.Types;
using static CniPlugins.Types.JsonRead;

namespace CniPlugins.HostLocal.Config;

/// <summary>
/// Reads the config into <see cref="NetJson"/> in one pass of a <see cref="Utf8JsonReader"/>, by the rules of
/// <see cref="JsonRead"/>. Not a serializer context, whose metadata is a third of a host-local run,
/// nor a JsonDocument, which rents from the shared ArrayPool, whose first returns run a processor-id calibration
/// (0.3 ms); this is a plugin that lives two milliseconds.
/// </summary>
internal static class ConfigReader
{
    public static NetJson Read(ReadOnlyMemory<byte> json)
    {
        var r = new Utf8JsonReader(json.Span);
        Start(ref r);
        var net = new NetJson();
        Object(ref r, "network configuration");
        while (NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "name": net.Name = Str(ref r, key) ?? net.Name; break;
                case "cniversion": net.CniVersion = Str(ref r, key) ?? net.CniVersion; break;
                case "ipam": net.Ipam = IsNull(ref r) ? null : Ipam(ref r); break;
                case "runtimeconfig": net.RuntimeConfig = IsNull(ref r) ? null : RuntimeConfig(ref r); break;
                case "args": net.Args = IsNull(ref r) ? null : Args(ref r); break;
                case "prevresult": net.PrevResult = Raw(ref r, json); break;
                case "cni.dev/valid-attachments": net.ValidAttachments = List(ref r, key, GcAttachment.Read); break;
                case "cni.dev/attachments": net.LegacyAttachments = List(ref r, key, GcAttachment.Read); break;
                default: r.Skip(); break;
            }
        }

        End(ref r);
        return net;
    }

    public static RangeJson ReadRange(ReadOnlyMemory<byte> json)
    {
        var r = new Utf8JsonReader(json.Span);
        Start(ref r);
        var range = Range(ref r);
        End(ref r);
        return range;
    }

    private static IpamJson Ipam(ref Utf8JsonReader r)
    {
        var ipam = new IpamJson();
        Object(ref r, "ipam");
        while (NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "type": ipam.Type = Str(ref r, key) ?? ipam.Type; break;
                case "subnet": ipam.Subnet = Str(ref r, key) ?? ipam.Subnet; break;
                case "rangestart": ipam.RangeStart = Str(ref r, key) ?? ipam.RangeStart; break;
                case "rangeend": ipam.RangeEnd = Str(ref r, key) ?? ipam.RangeEnd; break;
                case "gateway": ipam.Gateway = Str(ref r, key) ?? ipam.Gateway; break;
                case "routes": ipam.Routes = List(ref r, key, Route); break;
                case "datadir": ipam.DataDir = Str(ref r, key) ?? ipam.DataDir; break;
                case "indexdir": ipam.IndexDir = Str(ref r, key) ?? ipam.IndexDir; break;
                case "resolvconf": ipam.ResolvConf = Str(ref r, key) ?? ipam.ResolvConf; break;
                case "ranges": ipam.Ranges = RangeSets(ref r, key); break;
                case "rangefromfile": ipam.RangeFromFile = Str(ref r, key) ?? ipam.RangeFromFile; break;
                default: r.Skip(); break;
            }
        }

        return ipam;
    }

    private static RangeJson Range(ref Utf8JsonReader r)
    {
        var range = new RangeJson();
        Object(ref r, "range");
        while (NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "subnet": range.Subnet = Str(ref r, key) ?? range.Subnet; break;
                case "rangestart": range.RangeStart = Str(ref r, key) ?? range.RangeStart; break;
                case "rangeend": range.RangeEnd = Str(ref r, key) ?? range.RangeEnd; break;
                case "gateway": range.Gateway = Str(ref r, key) ?? range.Gateway; break;
                default: r.Skip(); break;
            }
        }

        return range;
    }

    private static RouteJson Route(ref Utf8JsonReader r)
    {
        var route = new RouteJson();
        Object(ref r, "route");
        while (NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "dst": route.Dst = Str(ref r, key) ?? route.Dst; break;
                case "gw": route.Gw = Str(ref r, key) ?? route.Gw; break;
                case "mtu": route.Mtu = Int(ref r, key) ?? route.Mtu; break;
                case "advmss": route.AdvMss = Int(ref r, key) ?? route.AdvMss; break;
                case "priority": route.Priority = Int(ref r, key) ?? route.Priority; break;
                case "table": route.Table = Int(ref r, key) ?? route.Table; break;
                case "scope": route.Scope = Int(ref r, key) ?? route.Scope; break;
                default: r.Skip(); break;
            }
        }

        return route;
    }

    private static RuntimeConfigJson RuntimeConfig(ref Utf8JsonReader r)
    {
        var rc = new RuntimeConfigJson();
        Object(ref r, "runtimeConfig");
        while (NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "ipranges": rc.IpRanges = RangeSets(ref r, key); break;
                case "ips": rc.Ips = List(ref r, key, IpString); break;
                default: r.Skip(); break;
            }
        }

        return rc;
    }

    private static ArgsJson Args(ref Utf8JsonReader r)
    {
        var args = new ArgsJson();
        Object(ref r, "args");
        while (NextProperty(ref r, out string key))
        {
            if (key.ToLowerInvariant() != "cni" || IsNull(ref r))
            {
                r.Skip();
                continue;
            }

            args.Cni = new CniArgsJson();
            Object(ref r, "args.cni");
            while (NextProperty(ref r, out string inner))
            {
                if (inner.ToLowerInvariant() == "ips")
                {
                    args.Cni.Ips = List(ref r, inner, IpString);
                }
                else
                {
                    r.Skip();
                }
            }
        }

        return args;
    }

    private static string IpString(ref Utf8JsonReader r) => Str(ref r, "ips") ?? "";

    private static List<RangeJson> RangeSet(ref Utf8JsonReader r) => List(ref r, "ranges", Range) ?? [];

    private static List<List<RangeJson>>? RangeSets(ref Utf8JsonReader r, string name) => List(ref r, name, RangeSet);
}
