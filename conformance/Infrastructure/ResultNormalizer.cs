using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CniPlugins.Conformance.Infrastructure;

/// <summary>
/// Puts two plugin outputs in a form where equal meaning means equal text: results of any version become the
/// 1.x list shape (ip4/ip6 unfolded, ips[].version dropped, an empty dns dropped), and values that are random by
/// design (MACs, generated veth names) are masked. Our shapes are spec-exact; the reference 1.1.1 prints the 1.x
/// shape for every version from some plugins, which is what this levels out.
/// </summary>
public static partial class ResultNormalizer
{
    /// <param name="json">A success result.</param>
    /// <param name="version">The config's cniVersion: for 0.1.0/0.2.0 only what that shape can hold is compared.</param>
    /// <param name="maskedKeys">Keys whose values are random by design, e.g. "mac".</param>
    public static string Normalize(string json, string version, params string[] maskedKeys)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (version is "0.1.0" or "0.2.0")
        {
            node.Remove("interfaces");
            foreach (var ip in node["ips"]?.AsArray() ?? [])
            {
                ip!.AsObject().Remove("interface");
            }
        }

        if (node["ip4"] is not null || node["ip6"] is not null)
        {
            var ips = new JsonArray();
            var routes = new JsonArray();
            foreach (string family in new[] { "ip4", "ip6" })
            {
                if (node[family] is JsonObject ip)
                {
                    var entry = new JsonObject { ["address"] = ip["ip"]!.DeepClone() };
                    if (ip["gateway"] is { } gw)
                    {
                        entry["gateway"] = gw.DeepClone();
                    }

                    ips.Add(entry);
                    foreach (var r in ip["routes"]?.AsArray() ?? [])
                    {
                        routes.Add(r!.DeepClone());
                    }

                    node.Remove(family);
                }
            }

            node["ips"] = ips;
            if (routes.Count > 0)
            {
                node["routes"] = routes;
            }
        }

        foreach (var ip in node["ips"]?.AsArray() ?? [])
        {
            ip!.AsObject().Remove("version");
        }

        if (node["dns"] is JsonObject { Count: 0 })
        {
            node.Remove("dns");
        }

        node.Remove("cniVersion");
        Mask(node, maskedKeys);
        return VethName().Replace(node.ToJsonString(), "veth<random>");
    }

    private static void Mask(JsonNode node, string[] keys)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (keys.Contains(k) && v is JsonValue)
                    {
                        o[k] = "<masked>";
                    }
                    else if (v is not null)
                    {
                        Mask(v, keys);
                    }
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    if (v is not null)
                    {
                        Mask(v, keys);
                    }
                }

                break;
        }
    }

    [GeneratedRegex("veth[0-9a-f]{8}")]
    private static partial Regex VethName();
}
