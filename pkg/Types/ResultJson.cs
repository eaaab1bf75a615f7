using System.Net.Sockets;
using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// Reads and writes results in the shape of a given spec version, converting as the spec and the reference
/// library do (1.x ↔ 0.3/0.4 lossless but for interface mtu/socketPath/pciID; to 0.1/0.2 keeps the first address of
/// each family and needs at least one).
/// </summary>
public static class ResultJson
{
    /// <summary>Serializes <paramref name="result"/> in the shape of <paramref name="version"/>, indented like the reference.</summary>
    public static byte[] Serialize(Result result, string version) =>
        CniVersion.IsSupported(version)
            ? ResultWriter.Write(result, version)
            : throw new CniException(ErrorCode.IncompatibleCniVersion, "unsupported CNI result version", version);

    /// <summary>Parses a result written in the shape of <paramref name="version"/> into the newest shape.</summary>
    public static Result Parse(ReadOnlySpan<byte> json, string version)
    {
        try
        {
            Result result;
            if (CniVersion.IsLegacy020(version))
            {
                var r = JsonSerializer.Deserialize(json, TypesJsonContext.Default.Result020) ?? throw NullResult();
                NoNullItems(r.Ip4?.Routes, "ip4.routes");
                NoNullItems(r.Ip6?.Routes, "ip6.routes");
                result = From020(r);
            }
            else if (CniVersion.Is04x(version))
            {
                var r = JsonSerializer.Deserialize(json, TypesJsonContext.Default.Result04) ?? throw NullResult();
                NoNullItems(r.Interfaces, "interfaces");
                NoNullItems(r.Ips, "ips");
                result = From04(r);
            }
            else
            {
                result = JsonSerializer.Deserialize(json, TypesJsonContext.Default.Result) ?? throw NullResult();
                result.CniVersion = version;
                NoNullItems(result.Interfaces, "interfaces");
                NoNullItems(result.Ips, "ips");
            }

            NoNullItems(result.Routes, "routes");
            NoNullItems(result.Dns?.Nameservers, "dns.nameservers");
            NoNullItems(result.Dns?.Search, "dns.search");
            NoNullItems(result.Dns?.Options, "dns.options");
            return result;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CniException(ErrorCode.DecodingFailure, $"failed to parse result of version {version}: {e.Message}", inner: e);
        }
    }

    private static JsonException NullResult() => new("the result is null");

    /// <summary>A list entry given as null is no entry a plugin can use: refused as malformed, not met later as a null.</summary>
    private static void NoNullItems<T>(List<T>? items, string name)
        where T : class
    {
        if (items?.Contains(null!) == true)
        {
            throw new JsonException($"{name} holds null");
        }
    }

    public static Result Parse(JsonElement json, string version) =>
        Parse(JsonSerializer.SerializeToUtf8Bytes(json, JsonContext.Default.JsonElement), version);


    private static Result From04(Result04 r) => new()
    {
        CniVersion = r.CniVersion,
        Interfaces = r.Interfaces?.Select(i => new Interface { Name = i.Name, Mac = i.Mac, Sandbox = i.Sandbox }).ToList(),
        Ips = r.Ips?.Select(ip => new IPConfig { Interface = ip.Interface, Address = ip.Address, Gateway = ip.Gateway }).ToList(),
        Routes = r.Routes,
        Dns = r.Dns,
    };


    private static Result From020(Result020 r)
    {
        var result = new Result { CniVersion = r.CniVersion, Ips = [], Routes = [], Dns = r.Dns };
        foreach (var ip in new[] { r.Ip4, r.Ip6 })
        {
            if (ip is null)
            {
                continue;
            }

            result.Ips.Add(new IPConfig { Address = ip.Ip, Gateway = ip.Gateway });
            foreach (var rt in ip.Routes ?? [])
            {
                result.Routes.Add(new Route { Dst = rt.Dst, Gw = rt.Gw });
            }
        }

        return result;
    }


}
