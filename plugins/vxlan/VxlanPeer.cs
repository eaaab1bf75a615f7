using System.Net;
using System.Text.Json;
using CniPlugins.Overlay;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// An entry of <c>peers</c>: a plain underlay address in l2, <c>{"underlay", "subnet"|"subnets"}</c> in l3. Every
/// malformed entry is a config error (code 7) that names it.
/// </summary>
internal static class VxlanPeer
{
    public static OverlayPeer FromJson(JsonElement e, bool l3)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return l3
                ? throw CniException.InvalidConfig($"l3 peer \"{e.GetString()}\" has no subnet",
                    "give each l3 peer as {\"underlay\": \"<host address>\", \"subnet\": \"<its container subnet>\"}")
                : new OverlayPeer(Address(e.GetString()), []);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw CniException.InvalidConfig($"peer {e.GetRawText()} is neither an address nor an object");
        }

        string? underlay = null, subnet = null;
        List<string>? subnets = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name.ToLowerInvariant())
            {
                case "underlay": underlay = Text(p); break;
                case "subnet": subnet = Text(p); break;
                case "subnets":
                    subnets = p.Value.ValueKind == JsonValueKind.Array
                        ? p.Value.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToList()
                        : throw CniException.InvalidConfig($"peer subnets {p.Value.GetRawText()} is not a list");
                    break;
            }
        }

        var address = Address(underlay);
        var cidrs = (subnets ?? (subnet is null ? [] : [subnet])).Select(s => Subnet(address, s)).ToList();
        if (l3 && cidrs.Count == 0)
        {
            throw CniException.InvalidConfig($"l3 peer {address} has no subnet", "add \"subnet\" (or \"subnets\" for dual stack)");
        }

        if (!l3 && cidrs.Count > 0)
        {
            throw CniException.InvalidConfig($"peer {address} has a subnet, which only l3 mode uses",
                "in l2 mode one subnet spans every host: list the peers as plain addresses");
        }

        if (cidrs.GroupBy(c => c.IsIPv4).Any(g => g.Count() > 1))
        {
            throw CniException.InvalidConfig($"peer {address} has two subnets of one family", "one subnet per family");
        }

        return new OverlayPeer(address, cidrs);
    }

    private static string? Text(JsonProperty p) =>
        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();

    private static IPAddress Address(string? s) =>
        IPAddress.TryParse(s, out var a) && s!.IndexOf('%') < 0 && !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any) &&
        !a.IsIPv6Multicast && (a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || a.GetAddressBytes()[0] < 224)
            ? a
            : throw CniException.InvalidConfig($"peer \"{s}\" is not a unicast address", "a peer is the underlay address of another host");

    private static CidrAddress Subnet(IPAddress peer, string s) =>
        CidrAddress.TryParse(s, out var c) && c.Address.Equals(c.Network.BaseAddress)
            ? c
            : throw CniException.InvalidConfig($"subnet \"{s}\" of peer {peer} is not a network address with a prefix",
                "write it as 10.244.2.0/24");
}
