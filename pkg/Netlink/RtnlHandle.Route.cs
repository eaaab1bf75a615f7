using System.Net.Sockets;

namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    private static readonly MessageParser<RouteEntry> s_routeParser = RouteEntry.TryParse;

    /// <summary>Equivalent to <c>ip [-6] route show table all</c>, filtered to <paramref name="table"/> (0 for all).</summary>
    public List<RouteEntry> RouteList(byte family = Interop.AF_UNSPEC, uint table = Rtnl.RT_TABLE_MAIN)
    {
        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETROUTE, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, 0);
        w.RtMsg(family, 0, 0, 0, 0, 0, 0);
        var all = Dump(w.Finish(), s_routeParser, "failed to list routes");
        return table == 0 ? all : all.FindAll(r => r.Table == table);
    }

    /// <summary>Equivalent to <c>ip route add {dst} via {gw} dev {link} ...</c>.</summary>
    public void RouteAdd(RouteEntry route) => RouteChange(Rtnl.RTM_NEWROUTE, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, route, "add");

    /// <summary>Equivalent to <c>ip route replace ...</c>.</summary>
    public void RouteReplace(RouteEntry route) => RouteChange(Rtnl.RTM_NEWROUTE, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE, route, "replace");

    /// <summary>Equivalent to <c>ip route del ...</c>.</summary>
    public void RouteDel(RouteEntry route) => RouteChange(Rtnl.RTM_DELROUTE, 0, route, "delete");

    private void RouteChange(ushort type, ushort flags, RouteEntry route, string verb)
    {
        var family = route.Dst?.Address.AddressFamily ?? route.Gateway?.AddressFamily ?? AddressFamily.InterNetwork;
        byte af = family == AddressFamily.InterNetwork ? (byte)Interop.AF_INET : (byte)Interop.AF_INET6;
        Span<byte> buf = stackalloc byte[256];
        var w = new NetlinkWriter(buf, type, (ushort)(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | flags), NextSeq());
        byte table = route.Table < 256 ? (byte)route.Table : Rtnl.RT_TABLE_UNSPEC;
        w.RtMsg(af, (byte)(route.Dst?.PrefixLength ?? 0), 0, table, route.Protocol, route.Scope, route.Type, route.Flags);
        if (route.Dst is { } dst)
        {
            w.AttrAddress(Rtnl.RTA_DST, Types.CidrAddress.Mask(dst.Address, dst.PrefixLength));
        }

        if (route.Gateway is { } gw)
        {
            w.AttrAddress(Rtnl.RTA_GATEWAY, gw);
        }

        if (route.PrefSrc is { } src)
        {
            w.AttrAddress(Rtnl.RTA_PREFSRC, src);
        }

        if (route.OutputIndex > 0)
        {
            w.AttrU32(Rtnl.RTA_OIF, (uint)route.OutputIndex);
        }

        if (route.Priority > 0)
        {
            w.AttrU32(Rtnl.RTA_PRIORITY, route.Priority);
        }

        if (route.Table >= 256)
        {
            w.AttrU32(Rtnl.RTA_TABLE, route.Table);
        }

        if (route.Mtu > 0 || route.AdvMss > 0)
        {
            int metrics = w.BeginNested(Rtnl.RTA_METRICS);
            if (route.Mtu > 0)
            {
                w.AttrU32(Rtnl.RTAX_MTU, route.Mtu);
            }

            if (route.AdvMss > 0)
            {
                w.AttrU32(Rtnl.RTAX_ADVMSS, route.AdvMss);
            }

            w.EndNested(metrics);
        }

        Execute(w.Finish(), $"failed to {verb} route {route.Dst?.ToString() ?? "default"} via {route.Gateway?.ToString() ?? "-"}");
    }
}
