using CniPlugins.Ip;
using CniPlugins.Ipam;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Skel;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Macvlan;

/// <summary>
/// A macvlan sub-interface of a host NIC ("master") as the container's interface, so the container appears as a
/// host of its own on the master's network. ADD is a transaction: whatever it made is undone when a later step
/// fails. DEL releases the address first and succeeds when the link or the namespace is already gone.
/// </summary>
public static class MacvlanPlugin
{
    public static Result Add(CmdArgs args)
    {
        var conf = MacvlanConfig.Parse(args.StdinData);
        using var ns = OpenNetns(args.Netns);
        using var host = RtnlHandle.Open();
        using var container = RtnlHandle.OpenIn(ns);

        // The master and everything derived from the config is checked before anything is created.
        var master = ResolveMaster(conf, conf.LinkInContainer ? container : host);
        uint mode = MacvlanMode.Parse(conf.Mode);
        byte[]? mac = ContainerMac.Resolve(conf, args.Args);

        if (conf.IpamType is null && CniVersion.IsLegacy020(args.CniVersion))
        {
            // An L2-only result has no address, which a 0.1.0/0.2.0 result cannot express. The reference finds out
            // only when printing, after the link exists, and leaves it behind.
            throw CniException.InvalidConfig("cannot convert: no valid IP addresses",
                $"an L2-only macvlan (no \"ipam\") needs cniVersion 0.3.0 or later, not {args.CniVersion}");
        }

        var link = CreateLink(conf, master, mode, mac, ns, host, container, args.IfName);
        using var rollback = new Rollback("macvlan");
        rollback.Add($"delete {args.IfName}", () => container.TryLinkDel(link.Index));
        var result = new Result
        {
            Interfaces = [new Interface { Name = args.IfName, Mac = link.Mac, Sandbox = args.Netns }],
        };

        // IPAM runs from the main thread, which stays in the host namespace.
        if (IpamExec.AddIfConfigured(conf, args, rollback) is { } ipam)
        {
            foreach (var ipc in ipam.Ips!)
            {
                ipc.Interface = 0; // every address belongs to the one macvlan interface
            }

            result.Ips = ipam.Ips;
            result.Routes = ipam.Routes;
            ns.Run(() => AnnounceAddressChanges(args.IfName));
            InterfaceConfigurator.Configure(ns, container, args.IfName, result);
        }
        else
        {
            container.LinkSetUp(link.Index);
        }

        rollback.Commit();

        // As the reference: the config's dns, never the IPAM's.
        result.Dns = conf.Dns;
        return result;
    }

    public static void Del(CmdArgs args)
    {
        var conf = MacvlanConfig.Parse(args.StdinData);

        // The address is released first, so it is freed even when the namespace is already gone.
        IpamExec.DelIfConfigured(conf, args);

        // No namespace, or one the runtime removed, and with it the macvlan.
        using var ns = NetNs.TryOpen(args.Netns);
        if (ns is null)
        {
            return;
        }

        using var rtnl = RtnlHandle.OpenIn(ns);
        rtnl.TryLinkDelByName(args.IfName);
    }

    public static void Check(CmdArgs args)
    {
        var conf = MacvlanConfig.Parse(args.StdinData);
        using var ns = OpenNetns(args.Netns);
        using var host = RtnlHandle.Open();
        using var container = RtnlHandle.OpenIn(ns);
        var parentNs = conf.LinkInContainer ? container : host;
        var master = ResolveMaster(conf, parentNs);
        uint mode = MacvlanMode.Parse(conf.Mode);

        IpamExec.CheckIfConfigured(conf, args);

        var prev = conf.ParsePrevResult()
            ?? throw CniException.InvalidConfig("required prevResult missing");
        var intf = prev.Interfaces?.Find(i => i.Name == args.IfName && i.Sandbox == args.Netns);
        if (intf is null)
        {
            string? sandbox = prev.Interfaces?.Find(i => i.Name == args.IfName)?.Sandbox;
            throw new CniException(ErrorCode.Internal,
                $"sandbox in prevResult {sandbox} doesn't match configured netns: {args.Netns}");
        }

        ValidateContainerInterface(container, intf, master, mode);
        ExpectedState.ValidateInterfaceIps(container, args.IfName, prev.Ips ?? []);
        ExpectedState.ValidateRoutes(container, prev.Routes ?? []);
    }

    /// <summary>Forwarded to IPAM; ready without IPAM, unless the host-side master is missing.</summary>
    public static void Status(CmdArgs args)
    {
        var conf = MacvlanConfig.Parse(args.StdinData);
        IpamExec.StatusIfConfigured(conf, args);

        if (!conf.LinkInContainer)
        {
            using var host = RtnlHandle.Open();
            try
            {
                ResolveMaster(conf, host);
            }
            catch (CniException e)
            {
                throw new CniException(ErrorCode.PluginNotAvailable, e.Message, e.Details, inner: e);
            }
        }
    }

    /// <summary>macvlan keeps no state of its own; stale reservations are IPAM's to collect.</summary>
    public static void Gc(CmdArgs args)
    {
        IpamExec.GcIfConfigured(MacvlanConfig.Parse(args.StdinData), args);
    }

    private static NetNs OpenNetns(string path)
    {
        try
        {
            return NetNs.Open(path);
        }
        catch (IOException e) when (e is not NetNsNotFoundException)
        {
            throw new CniException(ErrorCode.Internal, $"failed to open netns \"{path}\": {e.Message}", inner: e);
        }
    }

    /// <summary>The master link in <paramref name="rtnl"/>'s namespace, checked against the config's MTU.</summary>
    private static Link ResolveMaster(MacvlanConfig conf, RtnlHandle rtnl)
    {
        string where = conf.LinkInContainer ? "the container namespace" : "the host namespace";
        string name = !string.IsNullOrEmpty(conf.Master)
            ? conf.Master
            : DefaultRoute.TryGetInterfaceName(rtnl) ?? throw CniException.InvalidConfig(
                "no default route interface found",
                $"\"master\" is not set and {where} has no default route to take it from; set \"master\"");
        var master = rtnl.TryGetLinkByName(name) ?? throw CniException.InvalidConfig(
            $"failed to lookup master \"{name}\": link not found",
            $"no link \"{name}\" in {where}" + (conf.LinkInContainer ? "" : "; set \"linkInContainer\" if it lives in the container"));
        if (conf.Mtu < 0 || conf.Mtu > master.Mtu)
        {
            throw CniException.InvalidConfig($"invalid MTU {conf.Mtu}, must be [0, master MTU({master.Mtu})]");
        }

        return master;
    }

    /// <summary>
    /// Creates the macvlan under a temporary name straight in the container's namespace and renames it there:
    /// created under its final name it could clash with a host link of that name while the kernel moves it.
    /// </summary>
    private static Link CreateLink(MacvlanConfig conf, Link master, uint mode, byte[]? mac, NetNs ns,
        RtnlHandle host, RtnlHandle container, string ifName)
    {
        string tmpName = LinkNames.RandomVethName();
        if (conf.LinkInContainer)
        {
            container.MacvlanAdd(tmpName, master.Index, mode, conf.Mtu, mac, netnsFd: -1, conf.BcQueueLen);
        }
        else
        {
            host.MacvlanAdd(tmpName, master.Index, mode, conf.Mtu, mac, ns.Fd, conf.BcQueueLen);
        }

        var link = container.GetLinkByName(tmpName);
        try
        {
            container.LinkSetName(link.Index, ifName);
        }
        catch (NetlinkException e)
        {
            container.TryLinkDelByName(tmpName);
            throw new CniException(ErrorCode.Internal, $"failed to rename macvlan to \"{ifName}\": {e.Message}", inner: e);
        }

        return container.GetLinkByIndex(link.Index);
    }

    /// <summary>Gratuitous ARP / unsolicited NA when the address comes up, so neighbours drop stale entries at once.</summary>
    private static void AnnounceAddressChanges(string ifName)
    {
        Sysctl.Set($"net/ipv4/conf/{ifName}/arp_notify", "1");
        Sysctl.SetIfPresent($"net/ipv6/conf/{ifName}/ndisc_notify", "1"); // absent when IPv6 is disabled
    }

    private static void ValidateContainerInterface(RtnlHandle container, Interface intf, Link master, uint expectedMode)
    {
        var link = container.TryGetLinkByName(intf.Name)
            ?? throw new CniException(ErrorCode.Internal, $"container Interface name in prevResult: {intf.Name} not found");
        if (string.IsNullOrEmpty(intf.Sandbox))
        {
            throw new CniException(ErrorCode.Internal, $"error: Container interface {link.Name} should not be in host namespace");
        }

        if (link.Kind != "macvlan")
        {
            throw new CniException(ErrorCode.Internal, $"error: Container interface {link.Name} not of type macvlan");
        }

        uint mode = Link.InfoAttr(link.InfoData, Rtnl.IFLA_MACVLAN_MODE) ?? 0;
        if (mode != expectedMode)
        {
            throw new CniException(ErrorCode.Internal,
                $"container macvlan mode {MacvlanMode.Format(mode)} does not match expected value: {MacvlanMode.Format(expectedMode)}");
        }

        if (link.ParentIndex != master.Index)
        {
            throw new CniException(ErrorCode.Internal,
                $"container interface {link.Name} is not a macvlan of master \"{master.Name}\"");
        }

        if (!string.IsNullOrEmpty(intf.Mac) && !string.Equals(intf.Mac, link.Mac, StringComparison.OrdinalIgnoreCase))
        {
            throw new CniException(ErrorCode.Internal,
                $"interface {intf.Name} Mac {intf.Mac} doesn't match container Mac: {link.Mac}");
        }
    }
}
