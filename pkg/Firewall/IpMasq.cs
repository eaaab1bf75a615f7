using CniPlugins.Types;

namespace CniPlugins.Firewall;

public enum MasqBackend
{
    IpTables,
    NfTables,
}

/// <summary>
/// Source NAT for container addresses leaving their subnet (the bridge plugin's <c>ipMasq</c>), with the
/// reference's rules in either backend: iptables (nat chain <c>CNI-&lt;hash&gt;</c> per container) or nftables
/// (table <c>inet cni_plugins_masquerade</c>). Teardown and GC look in both, as the reference does.
/// </summary>
public static class IpMasq
{
    /// <summary>
    /// The backend for <c>ipMasqBackend</c>: as configured, or iptables when usable and nftables otherwise.
    /// </summary>
    public static MasqBackend SelectBackend(string? configured) => configured switch
    {
        "iptables" => MasqBackend.IpTables,
        "nftables" => MasqBackend.NfTables,
        null or "" => FirewallTool.Exists("iptables-restore") || !FirewallTool.Exists("nft") ? MasqBackend.IpTables : MasqBackend.NfTables,
        _ => throw CniException.InvalidConfig($"unknown ipMasqBackend \"{configured}\"", "use \"iptables\" or \"nftables\""),
    };

    public static void Setup(MasqBackend backend, string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips)
    {
        ScriptInput.Attachment(network, containerId, ifName);
        if (backend == MasqBackend.IpTables)
        {
            IpTablesMasq.Setup(network, containerId, ips);
        }
        else
        {
            NftMasq.Setup(network, containerId, ifName, ips);
        }
    }

    /// <summary>Removes the attachment's rules from both backends; succeeds when there are none.</summary>
    public static void Teardown(string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips)
    {
        ScriptInput.Attachment(network, containerId, ifName);
        if (FirewallTool.Exists("iptables-save"))
        {
            IpTablesMasq.Teardown(network, containerId);
        }

        if (FirewallTool.Exists("nft"))
        {
            NftMasq.Teardown(network, containerId, ifName);
        }
    }

    /// <summary>Throws when a rule the attachment needs is missing.</summary>
    public static void Check(MasqBackend backend, string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips)
    {
        ScriptInput.Attachment(network, containerId, ifName);
        if (backend == MasqBackend.IpTables)
        {
            IpTablesMasq.Check(network, containerId, ips);
        }
        else
        {
            NftMasq.Check(network, containerId, ifName, ips);
        }
    }

    /// <summary>Removes the network's rules whose attachment is not in <paramref name="valid"/>, in both backends.</summary>
    public static void Gc(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ScriptInput.Network(network); // the valid attachments are only compared with what is there
        if (FirewallTool.Exists("iptables-save"))
        {
            IpTablesMasq.Gc(network, valid.Select(v => v.ContainerId).ToHashSet(StringComparer.Ordinal));
        }

        if (FirewallTool.Exists("nft"))
        {
            NftMasq.Gc(network, valid);
        }
    }
}
