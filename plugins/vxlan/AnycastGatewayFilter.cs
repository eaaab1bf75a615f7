using System.Net;
using System.Net.Sockets;
using System.Text;
using CniPlugins.Firewall;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// Keeps an l2 anycast gateway local. Every host puts the same gateway address with the same MAC on its bridge, so
/// each container leaves through its own host; frames from that MAC and ARP/NDP for that address must then never
/// cross the VXLAN port, or hosts would answer for each other and see their own MAC come back from the tunnel.
/// One nftables table in the bridge family per VXLAN device, rewritten whole in one transaction.
/// </summary>
internal static class AnycastGatewayFilter
{
    public static string TableName(VxlanConfig conf) => $"cni_vxlan_{conf.Vni}_{conf.Port}";

    /// <summary>Writes the table for the VXLAN device <paramref name="port"/> and the gateway addresses.</summary>
    public static void Apply(VxlanConfig conf, string port, byte[] gatewayMac, IEnumerable<IPAddress> gateways)
    {
        ScriptInput.Interface(port);
        RequireNft();
        string table = TableName(conf);
        var drops = new List<string> { $"ether saddr {MacAddress.Format(gatewayMac)}" };
        drops.AddRange(gateways.Select(gw => gw.AddressFamily == AddressFamily.InterNetwork
            ? $"arp daddr ip {gw}"
            : $"icmpv6 type nd-neighbor-solicit @th,64,128 0x{Convert.ToHexString(gw.GetAddressBytes()).ToLowerInvariant()}"));

        // Declaring the table first makes the delete succeed on the first run too.
        var b = new StringBuilder($"table bridge {table} {{}}\ndelete table bridge {table}\ntable bridge {table} {{\n");
        foreach (var (hook, match) in new[] { ("prerouting", "iifname"), ("forward", "oifname"), ("output", "oifname") })
        {
            b.Append($"  chain {hook} {{\n    type filter hook {hook} priority 0; policy accept;\n");
            foreach (string d in drops)
            {
                b.Append($"    {match} \"{port}\" {d} drop\n");
            }

            b.Append("  }\n");
        }

        Nft.Apply(b.Append("}\n").ToString(), $"keep the gateway of {port} off the tunnel");
    }

    /// <summary>Throws when the table's rules for the device are missing.</summary>
    public static void Check(VxlanConfig conf, string port)
    {
        RequireNft();
        if (Nft.ListChain("bridge", TableName(conf), "forward") is not { Count: > 0 })
        {
            throw new CniException(ErrorCode.Internal, $"the anycast gateway filter of {port} (nft table bridge {TableName(conf)}) is missing");
        }
    }

    private static void RequireNft()
    {
        if (!Nft.Available())
        {
            throw new CniException(ErrorCode.Internal, "isGateway in l2 mode needs nft (package nftables) to keep the anycast gateway off the tunnel");
        }
    }
}
