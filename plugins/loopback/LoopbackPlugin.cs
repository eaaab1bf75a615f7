using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Loopback;

/// <summary>
/// Brings the container's <c>lo</c> up (ADD) or down (DEL). CNI_IFNAME is ignored: the interface is always lo.
/// GC and STATUS have nothing to do and succeed.
/// </summary>
public static class LoopbackPlugin
{
    private const string Lo = "lo";

    public static Result Add(CmdArgs args)
    {
        var conf = NetConf.Parse<NetConf>(args.StdinData);
        using var ns = NetNs.Open(args.Netns);
        using var rtnl = RtnlHandle.OpenIn(ns);
        var lo = rtnl.GetLinkByName(Lo);
        rtnl.LinkSetUp(lo.Index);

        var addrs = rtnl.AddrList(lo.Index);
        IPConfig? v4 = null, v6 = null;
        foreach (var addr in addrs)
        {
            if (!IPAddress.IsLoopback(addr.Address.Address))
            {
                throw new CniException(ErrorCode.Internal,
                    $"loopback interface found with non-loopback address \"{addr.Address}\"");
            }

            if (addr.Address.IsIPv4)
            {
                v4 ??= new IPConfig { Interface = 0, Address = addr.Address };
            }
            else
            {
                v6 ??= new IPConfig { Interface = 0, Address = addr.Address };
            }
        }

        // Chained after another plugin, loopback passes the previous result on unchanged.
        if (conf.ParsePrevResult() is { } prev)
        {
            return prev;
        }

        return new Result
        {
            Interfaces = [new Interface { Name = Lo, Mac = "00:00:00:00:00:00", Sandbox = args.Netns }],
            Ips = new[] { v4, v6 }.OfType<IPConfig>().ToList(),
        };
    }

    public static void Del(CmdArgs args)
    {
        // No namespace, or one the runtime already removed: nothing is left to undo.
        using var ns = NetNs.TryOpen(args.Netns);
        if (ns is null)
        {
            return;
        }

        using var rtnl = RtnlHandle.OpenIn(ns);
        rtnl.LinkSetDown(rtnl.GetLinkByName(Lo).Index);
    }

    public static void Check(CmdArgs args)
    {
        using var ns = NetNs.Open(args.Netns);
        using var rtnl = RtnlHandle.OpenIn(ns);
        if (!rtnl.GetLinkByName(Lo).IsUp)
        {
            throw new CniException(ErrorCode.Internal, "loopback interface is down");
        }
    }
}
