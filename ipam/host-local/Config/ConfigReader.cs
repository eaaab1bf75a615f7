using System.Text.Json;

namespace CniPlugins.HostLocal.Config;

/// <summary>
/// Reads the config into <see cref="NetJson"/> by walking a <see cref="JsonDocument"/>. A serializer context would do
/// the same, but building its metadata is a third of a host-local run; this is a plugin that lives two
/// milliseconds. Keys match case-insensitively and unknown keys are ignored, as Go's encoding/json does.
/// </summary>
internal static class ConfigReader
{
    public static NetJson Read(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = Object(doc.RootElement, "network configuration");
        var net = new NetJson();
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (Key(p.Name))
            {
                case "name": net.Name = Str(v, p.Name); break;
                case "cniversion": net.CniVersion = Str(v, p.Name); break;
                case "ipam": net.Ipam = IsNull(v) ? null : Ipam(v); break;
                case "runtimeconfig": net.RuntimeConfig = IsNull(v) ? null : RuntimeConfig(v); break;
                case "args": net.Args = IsNull(v) ? null : Args(v); break;
                case "prevresult": net.PrevResult = IsNull(v) ? null : v.Clone(); break;
                case "cni.dev/valid-attachments": net.ValidAttachments = List(v, p.Name, Attachment); break;
                case "cni.dev/attachments": net.LegacyAttachments = List(v, p.Name, Attachment); break;
            }
        }

        return net;
    }

    public static RangeJson ReadRange(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        return Range(doc.RootElement);
    }

    private static IpamJson Ipam(JsonElement e)
    {
        var ipam = new IpamJson();
        foreach (var p in Object(e, "ipam").EnumerateObject())
        {
            var v = p.Value;
            switch (Key(p.Name))
            {
                case "type": ipam.Type = Str(v, p.Name); break;
                case "subnet": ipam.Subnet = Str(v, p.Name); break;
                case "rangestart": ipam.RangeStart = Str(v, p.Name); break;
                case "rangeend": ipam.RangeEnd = Str(v, p.Name); break;
                case "gateway": ipam.Gateway = Str(v, p.Name); break;
                case "routes": ipam.Routes = List(v, p.Name, Route); break;
                case "datadir": ipam.DataDir = Str(v, p.Name); break;
                case "resolvconf": ipam.ResolvConf = Str(v, p.Name); break;
                case "ranges": ipam.Ranges = RangeSets(v, p.Name); break;
                case "rangefromfile": ipam.RangeFromFile = Str(v, p.Name); break;
            }
        }

        return ipam;
    }

    private static RangeJson Range(JsonElement e)
    {
        var r = new RangeJson();
        foreach (var p in Object(e, "range").EnumerateObject())
        {
            switch (Key(p.Name))
            {
                case "subnet": r.Subnet = Str(p.Value, p.Name); break;
                case "rangestart": r.RangeStart = Str(p.Value, p.Name); break;
                case "rangeend": r.RangeEnd = Str(p.Value, p.Name); break;
                case "gateway": r.Gateway = Str(p.Value, p.Name); break;
            }
        }

        return r;
    }

    private static RouteJson Route(JsonElement e)
    {
        var r = new RouteJson();
        foreach (var p in Object(e, "route").EnumerateObject())
        {
            switch (Key(p.Name))
            {
                case "dst": r.Dst = Str(p.Value, p.Name); break;
                case "gw": r.Gw = Str(p.Value, p.Name); break;
                case "mtu": r.Mtu = Int(p.Value, p.Name) ?? 0; break;
                case "advmss": r.AdvMss = Int(p.Value, p.Name) ?? 0; break;
                case "priority": r.Priority = Int(p.Value, p.Name) ?? 0; break;
                case "table": r.Table = Int(p.Value, p.Name); break;
                case "scope": r.Scope = Int(p.Value, p.Name); break;
            }
        }

        return r;
    }

    private static RuntimeConfigJson RuntimeConfig(JsonElement e)
    {
        var rc = new RuntimeConfigJson();
        foreach (var p in Object(e, "runtimeConfig").EnumerateObject())
        {
            switch (Key(p.Name))
            {
                case "ipranges": rc.IpRanges = RangeSets(p.Value, p.Name); break;
                case "ips": rc.Ips = List(p.Value, p.Name, x => Str(x, "ips") ?? ""); break;
            }
        }

        return rc;
    }

    private static ArgsJson Args(JsonElement e)
    {
        var args = new ArgsJson();
        foreach (var p in Object(e, "args").EnumerateObject())
        {
            if (Key(p.Name) == "cni" && !IsNull(p.Value))
            {
                args.Cni = new CniArgsJson();
                foreach (var q in Object(p.Value, "args.cni").EnumerateObject())
                {
                    if (Key(q.Name) == "ips")
                    {
                        args.Cni.Ips = List(q.Value, q.Name, x => Str(x, "ips") ?? "");
                    }
                }
            }
        }

        return args;
    }

    private static AttachmentJson Attachment(JsonElement e)
    {
        var a = new AttachmentJson();
        foreach (var p in Object(e, "attachment").EnumerateObject())
        {
            switch (Key(p.Name))
            {
                case "containerid": a.ContainerId = Str(p.Value, p.Name); break;
                case "ifname": a.IfName = Str(p.Value, p.Name); break;
            }
        }

        return a;
    }

    private static List<List<RangeJson>>? RangeSets(JsonElement e, string name) => List(e, name, set => List(set, name, Range) ?? []);

    private static List<T>? List<T>(JsonElement e, string name, Func<JsonElement, T> item)
    {
        if (IsNull(e))
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"\"{name}\" must be an array, not {Kind(e)}");
        }

        var list = new List<T>(e.GetArrayLength());
        foreach (var x in e.EnumerateArray())
        {
            list.Add(item(x));
        }

        return list;
    }

    private static JsonElement Object(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object ? e : throw new JsonException($"{name} must be an object, not {Kind(e)}");

    private static string? Str(JsonElement e, string name) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Null => null,
        _ => throw new JsonException($"\"{name}\" must be a string, not {Kind(e)}"),
    };

    private static int? Int(JsonElement e, string name) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt32(out int n) => n,
        JsonValueKind.Null => null,
        _ => throw new JsonException($"\"{name}\" must be an integer, not {Kind(e)}"),
    };

    private static bool IsNull(JsonElement e) => e.ValueKind == JsonValueKind.Null;

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    /// <summary>Keys compare case-insensitively (ASCII), as encoding/json matches them to struct fields.</summary>
    private static string Key(string name) => name.ToLowerInvariant();
}
