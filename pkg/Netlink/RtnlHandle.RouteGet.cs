using System.Net;
using System.Net.Sockets;

namespace CniPlugins.Netlink;

public sealed partial class RtnlHandle
{
    /// <summary>
    /// Equivalent to <c>ip route get {dst}</c>: the route the kernel would use for one destination, with the output
    /// interface (<see cref="RouteEntry.OutputIndex"/>), the gateway when there is one and the source address it
    /// would pick (<see cref="RouteEntry.PrefSrc"/>).
    /// </summary>
    /// <exception cref="NetlinkException">No route (ENETUNREACH), or another refusal.</exception>
    public RouteEntry RouteGet(IPAddress dst)
    {
        bool v4 = dst.AddressFamily == AddressFamily.InterNetwork;
        Span<byte> buf = stackalloc byte[64];

        // As iproute2: no NLM_F_ACK (the answer is the route itself, or an error), and RTM_F_LOOKUP_TABLE for IPv4.
        var w = new NetlinkWriter(buf, Rtnl.RTM_GETROUTE, Rtnl.NLM_F_REQUEST, NextSeq());
        w.RtMsg(v4 ? Rtnl.AF_INET : Rtnl.AF_INET6, v4 ? (byte)32 : (byte)128, 0, 0, 0, 0, 0, v4 ? Rtnl.RTM_F_LOOKUP_TABLE : 0);
        w.AttrAddress(Rtnl.RTA_DST, dst);
        return Get(w.Finish(), s_routeParser, $"failed to look up the route to {dst}")
            ?? throw new InvalidDataException($"the kernel answered the route lookup for {dst} without a route");
    }
}
