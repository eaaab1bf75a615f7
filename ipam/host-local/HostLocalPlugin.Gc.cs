using CniPlugins.HostLocal.Config;
using CniPlugins.HostLocal.Disk;
using CniPlugins.Ip;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.HostLocal;

public static partial class HostLocalPlugin
{
    /// <summary>
    /// Releases every reservation whose attachment is not in <c>cni.dev/valid-attachments</c> (or the legacy
    /// <c>cni.dev/attachments</c>; neither key means none is valid, as cnitool sends it). A legacy file holding only
    /// a container ID stays if any valid attachment has that ID. Files that are not reservations (lock,
    /// last_reserved_ip.*) are never touched, except scratch files of killed runs. Goes on after an error and
    /// reports them all.
    /// </summary>
    public static void Gc(CmdArgs args)
    {
        var conf = ConfigLoader.Load(args.StdinData, "");
        var valid = new HashSet<string>(StringComparer.Ordinal);
        var validIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in conf.ValidAttachments ?? [])
        {
            valid.Add(DiskStore.Content(a.ContainerId, a.IfName));
            validIds.Add(a.ContainerId.Trim());
        }

        using var store = OpenStore(conf);
        var errors = new List<string>();
        foreach (var (ip, content) in store.All())
        {
            bool keep = content.Contains(DiskStore.LineBreak, StringComparison.Ordinal) ? valid.Contains(content) : validIds.Contains(content);
            if (keep)
            {
                continue;
            }

            try
            {
                store.Remove(ip);
            }
            catch (CniException e)
            {
                errors.Add(e.Message);
            }
        }

        try
        {
            store.RemoveScratch();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"failed to clean store \"{store.Dir}\": {e.Message}");
        }

        if (errors.Count > 0)
        {
            throw new CniException(ErrorCode.Internal, string.Join("; ", errors));
        }
    }

    /// <summary>
    /// Ready when the store takes writes and every range set has a free address; otherwise code 50 saying which.
    /// </summary>
    public static void Status(CmdArgs args)
    {
        var conf = ConfigLoader.Load(args.StdinData, "");
        string dir = StorePaths.NetworkDir(conf.DataDir, conf.Name);
        DiskStore store;
        try
        {
            store = DiskStore.Open(conf.Name, conf.DataDir, conf.IndexDir);
            store.ProbeWritable();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.PluginNotAvailable, $"host-local: store \"{dir}\" is not writable: {e.Message}", inner: e);
        }

        using (store)
        {
            var reserved = store.ReservedAddresses().ToList();
            for (int idx = 0; idx < conf.Ranges.Count; idx++)
            {
                var set = conf.Ranges[idx];
                UInt128 used = 0;
                foreach (var ip in reserved)
                {
                    if (set.RangeFor(ip) is { } r && IpMath.ToNumber(ip) != r.GatewayNumber)
                    {
                        used++;
                    }
                }

                if (used >= set.Capacity)
                {
                    throw new CniException(ErrorCode.PluginNotAvailable,
                        $"host-local: no IP addresses available in range set {idx}: {set}");
                }
            }
        }
    }
}
