using System.Net;
using System.Text;
using CniPlugins.Netlink;
using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// Keeps an anycast gateway local. Every host of an l2 overlay puts the same gateway address with the same MAC on
/// its bridge, so each container leaves through its own host; frames from that MAC and ARP/NDP for that address must
/// then never cross the VXLAN port, or hosts would answer for each other and see their own MAC arrive from the
/// tunnel. One nftables table in the bridge family per VXLAN device, rewritten whole in one transaction.
/// </summary>
public static class AnycastGatewayFilter
{
    public static string TableName(uint vni, int port) => $"cni_vxlan_{vni}_{port}";

    /// <summary>Writes the table for <paramref name="port"/> (the VXLAN device) and the gateway addresses.</summary>
    public static void Apply(uint vni, int udpPort, string port, byte[] gatewayMac, IReadOnlyList<IPAddress> gateways)
    {
        ScriptInput.Interface(port);
        RequireNft();
        string table = TableName(vni, udpPort);
        string mac = MacAddress.Format(gatewayMac);
        var drops = new List<string> { $"ether saddr {mac}" };
        foreach (var gw in gateways)
        {
            drops.Add(gw.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                ? $"arp daddr ip {gw}"
                : $"icmpv6 type nd-neighbor-solicit @th,64,128 0x{Convert.ToHexString(gw.GetAddressBytes()).ToLowerInvariant()}");
        }

        var b = new StringBuilder();
        b.Append($"table bridge {table} {{}}\ndelete table bridge {table}\ntable bridge {table} {{\n");
        foreach (var (hook, dir) in new[] { ("prerouting", "iifname"), ("forward", "oifname"), ("output", "oifname") })
        {
            b.Append($"  chain {hook} {{\n    type filter hook {hook} priority 0; policy accept;\n");
            foreach (string d in drops)
            {
                b.Append($"    {dir} \"{port}\" {d} drop\n");
            }

            b.Append("  }\n");
        }

        b.Append("}\n");
        FirewallTool.Nft(b.ToString(), $"keep the gateway of {port} off the tunnel");
    }

    /// <summary>Throws when the table is missing.</summary>
    public static void Check(uint vni, int udpPort, string port)
    {
        RequireNft();
        var (code, _) = FirewallTool.Run("nft", ["list", "table", "bridge", TableName(vni, udpPort)], quiet: true);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"the anycast gateway filter of {port} (nft table bridge {TableName(vni, udpPort)}) is missing");
        }
    }

    private static void RequireNft()
    {
        if (!FirewallTool.Exists("nft"))
        {
            throw new CniException(ErrorCode.Internal, "isGateway in l2 mode needs nft (package nftables) to keep the anycast gateway off the tunnel");
        }
    }
}
