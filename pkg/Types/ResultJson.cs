using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>
/// Reads and writes results in the shape of a given spec version, converting as the spec and the reference
/// library do (1.x ↔ 0.3/0.4 lossless but for interface mtu/socketPath/pciID; to 0.1/0.2 keeps the first address of
/// each family and needs at least one).
/// </summary>
public static class ResultJson
{
    private static readonly TypesJsonContext s_context = new(new System.Text.Json.JsonSerializerOptions(TypesJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Serializes <paramref name="result"/> in the shape of <paramref name="version"/>, indented like the reference.</summary>
    public static byte[] Serialize(Result result, string version)
    {
        if (CniVersion.IsLegacy020(version))
        {
            return JsonSerializer.SerializeToUtf8Bytes(To020(result, version), s_context.Result020);
        }

        if (CniVersion.Is04x(version))
        {
            return JsonSerializer.SerializeToUtf8Bytes(To04(result, version), s_context.Result04);
        }

        if (!CniVersion.IsSupported(version))
        {
            throw new CniException(ErrorCode.IncompatibleCniVersion, "unsupported CNI result version", version);
        }

        var copy = new Result
        {
            CniVersion = version,
            Interfaces = NullIfEmpty(result.Interfaces),
            Ips = NullIfEmpty(result.Ips),
            Routes = NullIfEmpty(result.Routes),
            Dns = result.Dns is { IsEmpty: false } ? result.Dns : null,
        };
        return JsonSerializer.SerializeToUtf8Bytes(copy, s_context.Result);
    }

    /// <summary>Parses a result written in the shape of <paramref name="version"/> into the newest shape.</summary>
    public static Result Parse(ReadOnlySpan<byte> json, string version)
    {
        try
        {
            if (CniVersion.IsLegacy020(version))
            {
                return From020(JsonSerializer.Deserialize(json, s_context.Result020)!);
            }

            if (CniVersion.Is04x(version))
            {
                return From04(JsonSerializer.Deserialize(json, s_context.Result04)!);
            }

            var result = JsonSerializer.Deserialize(json, s_context.Result)!;
            result.CniVersion = version;
            return result;
        }
        catch (JsonException e)
        {
            throw new CniException(ErrorCode.DecodingFailure, $"failed to parse result of version {version}: {e.Message}");
        }
    }

    public static Result Parse(JsonElement json, string version) =>
        Parse(JsonSerializer.SerializeToUtf8Bytes(json, JsonContext.Default.JsonElement), version);

    private static Result04 To04(Result r, string version) => new()
    {
        CniVersion = version,
        Interfaces = NullIfEmpty(r.Interfaces?.Select(i => new Interface04
        {
            Name = i.Name,
            Mac = EmptyToNull(i.Mac),
            Sandbox = EmptyToNull(i.Sandbox),
        }).ToList()),
        Ips = NullIfEmpty(r.Ips?.Select(ip => new IPConfig04
        {
            Version = ip.Address.IsIPv4 ? "4" : "6",
            Interface = ip.Interface,
            Address = ip.Address,
            Gateway = ip.Gateway,
        }).ToList()),
        Routes = NullIfEmpty(r.Routes),
        Dns = r.Dns is { IsEmpty: false } ? r.Dns : null,
    };

    private static Result From04(Result04 r) => new()
    {
        CniVersion = r.CniVersion,
        Interfaces = r.Interfaces?.Select(i => new Interface { Name = i.Name, Mac = i.Mac, Sandbox = i.Sandbox }).ToList(),
        Ips = r.Ips?.Select(ip => new IPConfig { Interface = ip.Interface, Address = ip.Address, Gateway = ip.Gateway }).ToList(),
        Routes = r.Routes,
        Dns = r.Dns,
    };

    private static Result020 To020(Result r, string version)
    {
        var v4 = r.Ips?.FirstOrDefault(ip => ip.Address.IsIPv4);
        var v6 = r.Ips?.FirstOrDefault(ip => !ip.Address.IsIPv4);
        if (v4 is null && v6 is null)
        {
            throw new CniException(ErrorCode.Internal, "cannot convert: no valid IP addresses");
        }

        IPConfig020? Family(IPConfig? ip, AddressFamily family) => ip is null ? null : new IPConfig020
        {
            Ip = ip.Address,
            Gateway = ip.Gateway,
            Routes = NullIfEmpty(r.Routes?
                .Where(rt => rt.Dst.Address.AddressFamily == family)
                .Select(rt => new Route020 { Dst = rt.Dst, Gw = rt.Gw }).ToList()),
        };

        return new Result020
        {
            CniVersion = version,
            Ip4 = Family(v4, AddressFamily.InterNetwork),
            Ip6 = Family(v6, AddressFamily.InterNetworkV6),
            Dns = r.Dns is { IsEmpty: false } ? r.Dns : null,
        };
    }

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

    private static List<T>? NullIfEmpty<T>(List<T>? list) => list is { Count: > 0 } ? list : null;

    private static string? EmptyToNull(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
