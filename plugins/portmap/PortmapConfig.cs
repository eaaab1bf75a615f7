using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CniPlugins.Firewall;
using CniPlugins.Types;

namespace CniPlugins.Portmap;

/// <summary>The reference's portmap keys; names and defaults are its own (plugins/meta/portmap/main.go).</summary>
internal sealed class PortmapConfig : NetConf
{
    /// <summary>Kubernetes uses mark bits 14 and 15, Calico 20-31.</summary>
    public const int DefaultMarkBit = 13;

    private static readonly string[] s_protocols = ["tcp", "udp", "sctp"];

    public bool? Snat { get; set; }

    public List<string>? ConditionsV4 { get; set; }

    public List<string>? ConditionsV6 { get; set; }

    public bool MasqAll { get; set; }

    public int? MarkMasqBit { get; set; }

    public string? ExternalSetMarkChain { get; set; }

    public string? Backend { get; set; }

    public PortmapRuntimeConfig? RuntimeConfig { get; set; }

    public List<PortMapping> Mappings => RuntimeConfig?.PortMappings ?? [];

    public bool SnatEnabled => Snat ?? true;

    public int MarkBit => MarkMasqBit ?? DefaultMarkBit;

    public bool UseNftables { get; private set; }

    /// <summary>The container's first IPv4 and IPv6 address on CNI_IFNAME, from prevResult (after <see cref="SelectAddresses"/>).</summary>
    public CidrAddress? ContainerV4 { get; private set; }

    public CidrAddress? ContainerV6 { get; private set; }

    protected override bool ReadKey(ref Utf8JsonReader r, string key, ReadOnlyMemory<byte> json)
    {
        switch (key)
        {
            case "snat": Snat = JsonRead.Bool(ref r, key) ?? Snat; return true;
            case "conditionsv4": ConditionsV4 = JsonRead.List(ref r, key, Condition) ?? ConditionsV4; return true;
            case "conditionsv6": ConditionsV6 = JsonRead.List(ref r, key, Condition) ?? ConditionsV6; return true;
            case "masqall": MasqAll = JsonRead.Bool(ref r, key) ?? MasqAll; return true;
            case "markmasqbit": MarkMasqBit = JsonRead.Int(ref r, key) ?? MarkMasqBit; return true;
            case "externalsetmarkchain": ExternalSetMarkChain = JsonRead.Str(ref r, key) ?? ExternalSetMarkChain; return true;
            case "backend": Backend = JsonRead.Str(ref r, key) ?? Backend; return true;
            case "runtimeconfig": RuntimeConfig = JsonRead.IsNull(ref r) ? RuntimeConfig : PortmapRuntimeConfig.Read(ref r); return true;
            default: return base.ReadKey(ref r, key, json);
        }
    }

    private static string Condition(ref Utf8JsonReader r) => JsonRead.StrItem(ref r, "conditions");

    /// <summary>
    /// Parses and checks the config. With <paramref name="strict"/> (ADD, CHECK) every mapping is validated and a
    /// bad one refused with code 7 before anything is applied; DEL and GC only need the keys that name the rules.
    /// </summary>
    public static PortmapConfig Parse(byte[] stdin, bool strict)
    {
        var conf = Parse<PortmapConfig>(stdin);
        conf.Validate(strict);
        return conf;
    }

    private void Validate(bool strict)
    {
        UseNftables = Backend switch
        {
            null or "" or "iptables" => false,
            "nftables" => true,
            _ => throw CniException.InvalidConfig($"unknown portmap backend \"{Backend}\"", "use \"iptables\" or \"nftables\""),
        };

        if (MarkMasqBit is not null && ExternalSetMarkChain is not null)
        {
            throw CniException.InvalidConfig("Cannot specify externalSetMarkChain and markMasqBit");
        }

        if (MarkBit is < 0 or > 31)
        {
            throw CniException.InvalidConfig($"markMasqBit {MarkBit} is out of range", "MasqMarkBit must be between 0 and 31");
        }

        if (ExternalSetMarkChain is { } chain)
        {
            ScriptInput.Name(chain, "externalSetMarkChain");
        }

        foreach (string c in (ConditionsV4 ?? []).Concat(ConditionsV6 ?? []))
        {
            ScriptInput.Name(c, "condition");
        }

        var seen = new HashSet<(int, string, string)>();
        foreach (var m in Mappings)
        {
            Normalize(m, strict);
            if (strict && !seen.Add((m.HostPort, m.Proto, m.BoundIP?.ToString() ?? (m.HostIsV6 switch { null => "", true => "::", false => "0.0.0.0" }))))
            {
                throw CniException.InvalidConfig(
                    $"host port {m.HostPort}/{m.Proto}{(m.HostIP is { Length: > 0 } ip ? " on " + ip : "")} is mapped twice",
                    "each host port, protocol and host address can be published once");
            }
        }
    }

    private static void Normalize(PortMapping m, bool strict)
    {
        string proto = string.IsNullOrEmpty(m.Protocol) ? "tcp" : m.Protocol.ToLowerInvariant();
        if (!s_protocols.Contains(proto))
        {
            if (strict)
            {
                throw CniException.InvalidConfig($"unknown protocol \"{m.Protocol}\" in port mapping {m.HostPort}", "use \"tcp\", \"udp\" or \"sctp\"");
            }

            proto = "tcp";
        }

        m.Proto = proto;
        if (strict && (m.HostPort is <= 0 or > 65535 || m.ContainerPort is <= 0 or > 65535))
        {
            throw CniException.InvalidConfig($"invalid port mapping {m.HostPort}:{m.ContainerPort}/{proto}",
                "host and container ports must be between 1 and 65535");
        }

        if (!string.IsNullOrEmpty(m.HostIP))
        {
            if (!IPAddress.TryParse(m.HostIP, out var ip) || m.HostIP.Contains('%') || m.HostIP.Contains('/'))
            {
                if (strict)
                {
                    throw CniException.InvalidConfig($"invalid hostIP \"{m.HostIP}\" in port mapping {m.HostPort}/{proto}", "give an IPv4 or IPv6 address");
                }

                return;
            }

            m.HostIsV6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
            m.BoundIP = ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) ? null : ip;
        }
    }

    /// <summary>
    /// Picks the container's addresses from prevResult as the reference does: the first of each family, skipping
    /// those on an interface that is not CNI_IFNAME in a sandbox. With <paramref name="strict"/>, a hostIP of a family
    /// the container has no address of is refused (the reference ignores such a mapping silently).
    /// </summary>
    public void SelectAddresses(Result prev, string ifName, bool strict)
    {
        var interfaces = prev.Interfaces ?? [];
        foreach (var ip in prev.Ips ?? [])
        {
            if (ip.Interface is int i && i >= 0 && i < interfaces.Count &&
                (interfaces[i].Name != ifName || string.IsNullOrEmpty(interfaces[i].Sandbox)))
            {
                continue;
            }

            if (ip.Address.IsIPv4)
            {
                ContainerV4 ??= ip.Address;
            }
            else
            {
                ContainerV6 ??= ip.Address;
            }
        }

        if (!strict)
        {
            return;
        }

        foreach (var m in Mappings.Where(m => m.HostIsV6 is not null))
        {
            if ((m.HostIsV6 == true ? ContainerV6 : ContainerV4) is null)
            {
                throw CniException.InvalidConfig(
                    $"hostIP {m.HostIP} of port mapping {m.HostPort}/{m.Proto} is IPv{(m.HostIsV6 == true ? 6 : 4)}, and the container has no such address",
                    "give a hostIP of the container's address family, or none");
            }
        }
    }

    /// <summary>The container addresses to forward to: IPv4, then IPv6.</summary>
    public IEnumerable<CidrAddress> ContainerAddresses() =>
        new[] { ContainerV4, ContainerV6 }.Where(a => a is not null).Select(a => a!.Value);

    public IReadOnlyList<string> Conditions(bool v6) => (v6 ? ConditionsV6 : ConditionsV4) ?? [];
}

internal sealed class PortmapRuntimeConfig
{
    public List<PortMapping>? PortMappings { get; set; }

    public static PortmapRuntimeConfig Read(ref Utf8JsonReader r)
    {
        var rc = new PortmapRuntimeConfig();
        JsonRead.Object(ref r, "runtimeConfig");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            if (key.ToLowerInvariant() == "portmappings")
            {
                rc.PortMappings = JsonRead.List(ref r, key, PortMapping.Read) ?? rc.PortMappings;
            }
            else
            {
                r.Skip();
            }
        }

        return rc;
    }
}
