using CniPlugins.Firewall;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Portmap;

/// <summary>
/// A chained plugin: ADD forwards the mapped host ports to the container's addresses from prevResult and passes
/// prevResult on; DEL removes the container's rules by its ID whatever is left of it; CHECK verifies them for the
/// address families the container has; GC removes the network's containers that are not valid any more.
/// </summary>
internal static class PortmapCommands
{
    public static Result Add(CmdArgs args)
    {
        var conf = PortmapConfig.Parse(args.StdinData, strict: true);
        var prev = conf.ParsePrevResult() ?? throw CniException.InvalidConfig("must be called as chained plugin", "portmap needs a prevResult: put it after an interface plugin in a conflist");
        if (conf.Mappings.Count == 0)
        {
            return prev;
        }

        RefuseUnwritable(conf, args);
        conf.SelectAddresses(prev, args.IfName, strict: true);

        using var rollback = new Rollback("portmap");
        foreach (var container in conf.ContainerAddresses())
        {
            bool v6 = !container.IsIPv4;
            rollback.Add($"remove the IPv{(v6 ? 6 : 4)} port forwarding", () => Unforward(conf, args.ContainerId, v6, bothBackends: false));
            if (conf.UseNftables)
            {
                NftPortmap.Forward(conf, args.ContainerId, container);
            }
            else
            {
                IpTablesPortmap.Forward(conf, args.ContainerId, container);
            }

            if (!v6 && conf.SnatEnabled)
            {
                LocalnetRouting.Enable(container.Address);
            }
        }

        rollback.Commit();
        foreach (var container in conf.ContainerAddresses())
        {
            StaleUdp.Delete(conf, !container.IsIPv4); // after the rules: new flows take them
        }

        return prev;
    }

    /// <summary>
    /// Idempotent: the rules are found by the container ID (and network), so DEL needs neither prevResult nor the
    /// namespace; both families and both backends are looked at, each with one listing.
    /// </summary>
    public static void Del(CmdArgs args)
    {
        var conf = PortmapConfig.Parse(args.StdinData, strict: false);
        RefuseUnwritable(conf, args);
        foreach (bool v6 in new[] { false, true })
        {
            Unforward(conf, args.ContainerId, v6, bothBackends: true);
        }

        // The reference keeps the entries on DEL; a recreated pod's UDP clients then stay pinned to the old address.
        foreach (bool v6 in new[] { false, true })
        {
            StaleUdp.Delete(conf, v6);
        }
    }

    public static void Check(CmdArgs args)
    {
        var conf = PortmapConfig.Parse(args.StdinData, strict: true);
        var prev = conf.ParsePrevResult() ?? throw CniException.InvalidConfig("Required prevResult missing");
        if (conf.Mappings.Count == 0)
        {
            return;
        }

        RefuseUnwritable(conf, args);
        conf.SelectAddresses(prev, args.IfName, strict: false);
        // Only the families the container has an address of: the reference 1.1.1 checks IPv6 for every container.
        foreach (var container in conf.ContainerAddresses())
        {
            if (conf.UseNftables)
            {
                NftPortmap.Check(conf, args.ContainerId, container);
            }
            else
            {
                IpTablesPortmap.Check(conf, args.ContainerId, container);
            }
        }
    }

    /// <summary>iptables only: nftables rules carry the bare container ID, which does not say which network made them.</summary>
    public static void Gc(CmdArgs args)
    {
        var conf = PortmapConfig.Parse(args.StdinData, strict: false);
        ScriptInput.Network(conf.Name);
        var valid = conf.GcValidAttachments?.Select(a => a.ContainerId).ToList() ?? [];
        foreach (bool v6 in Families())
        {
            IpTablesPortmap.Gc(conf.Name, valid, v6);
        }
    }

    private static void Unforward(PortmapConfig conf, string containerId, bool v6, bool bothBackends)
    {
        if ((bothBackends || !conf.UseNftables) && IpTables.Available(v6))
        {
            IpTablesPortmap.Unforward(conf.Name, containerId, v6);
        }

        if ((bothBackends || conf.UseNftables) && Nft.Available())
        {
            NftPortmap.Unforward(containerId, v6);
        }
    }

    private static bool[] Families() => IpTables.Available(true) ? [false, true] : [false];

    private static void RefuseUnwritable(PortmapConfig conf, CmdArgs args)
    {
        ScriptInput.Network(conf.Name);
        ScriptInput.ContainerId(args.ContainerId);
    }
}
