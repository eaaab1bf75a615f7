using System.Net;
using CniPlugins.HostLocal.Allocator;
using CniPlugins.HostLocal.Config;
using CniPlugins.HostLocal.Disk;
using CniPlugins.Ip;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.HostLocal;

/// <summary>
/// host-local IPAM: one address per range set from a store on the local disk. ADD/DEL/CHECK as the reference;
/// GC and STATUS, which the reference leaves unimplemented, in <c>HostLocalPlugin.Gc.cs</c>.
/// </summary>
public static partial class HostLocalPlugin
{
    public static Result Add(CmdArgs args)
    {
        var conf = ConfigLoader.Load(args.StdinData, args.Args);
        var result = new Result { Ips = [], Routes = conf.Routes };
        if (conf.ResolvConf is { } resolvConf)
        {
            result.Dns = ResolvConf.Parse(resolvConf);
        }

        using var store = OpenStore(conf);

        // Each requested address is used once, by the first range set that holds it (duplicates collapse).
        var requested = conf.RequestedIps.Distinct().ToList();

        // Only what this call reserved is undone: an earlier ADD's addresses stay with their owner.
        using var rollback = new Rollback("host-local");
        for (int idx = 0; idx < conf.Ranges.Count; idx++)
        {
            var set = conf.Ranges[idx];
            var want = requested.FirstOrDefault(set.Contains);
            if (want is not null)
            {
                requested.Remove(want);
            }

            IPConfig ip;
            try
            {
                ip = new IpAllocator(set, store, idx).Get(args.ContainerId, args.IfName, want);
            }
            catch (AllocationException e)
            {
                throw new CniException(ErrorCode.Internal, $"failed to allocate for range {idx}: {e.Message}", inner: e);
            }

            var address = ip.Address.Address;
            rollback.Add($"release {GoIp.Format(address)}", () => store.Release(address));
            result.Ips.Add(ip);
        }

        if (requested.Count > 0)
        {
            throw new CniException(ErrorCode.Internal,
                "failed to allocate all requested IPs: " + string.Join(" ", requested.Select(GoIp.Format)));
        }

        rollback.Commit();
        return result;
    }

    public static void Del(CmdArgs args)
    {
        var conf = ConfigLoader.Load(args.StdinData, args.Args);
        using var store = OpenStore(conf);
        store.ReleaseById(args.ContainerId, args.IfName);
    }

    /// <summary>
    /// Every prevResult address that lies in our ranges must be reserved for this attachment; without such
    /// addresses, at least one reservation must exist (the reference's only check).
    /// </summary>
    public static void Check(CmdArgs args)
    {
        var conf = ConfigLoader.Load(args.StdinData, args.Args);
        var prev = conf.PrevResult is { } p ? ResultJson.Parse(p.Span, args.CniVersion) : null;
        using var store = OpenStore(conf);
        bool checkedAny = false;
        foreach (var ip in prev?.Ips ?? [])
        {
            var addr = ip.Address.Address;
            if (!conf.Ranges.Any(s => s.Contains(addr)))
            {
                continue;
            }

            checkedAny = true;
            if (!store.IsReservedFor(addr, args.ContainerId, args.IfName))
            {
                throw new CniException(ErrorCode.Internal,
                    $"host-local: address {GoIp.Format(addr)} in prevResult is not reserved for container {args.ContainerId} interface {args.IfName}");
            }
        }

        if (!checkedAny && store.GetById(args.ContainerId, args.IfName).Count == 0)
        {
            throw new CniException(ErrorCode.Internal, $"host-local: Failed to find address added by container {args.ContainerId}");
        }
    }

    private static DiskStore OpenStore(IpamConfig conf)
    {
        try
        {
            return DiskStore.Open(conf.Name, conf.DataDir, conf.IndexDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.IoFailure,
                $"failed to open store \"{StorePaths.NetworkDir(conf.DataDir, conf.Name)}\": {e.Message}", inner: e);
        }
    }
}
