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
        null or "" => FirewallTool.Exists("iptables-restore") || !Nft.Available() ? MasqBackend.IpTables : MasqBackend.NfTables,
        _ => throw CniException.InvalidConfig($"unknown ipMasqBackend \"{configured}\"", "use \"iptables\" or \"nftables\""),
    };

    /// <summary>
    /// Masquerades the attachment's addresses leaving their subnet; traffic to <paramref name="noMasqDestinations"/>
    /// (an overlay's peer subnets, say) is left alone too: one more ACCEPT (iptables) or return (nftables) rule each,
    /// next to the subnet's own, before the MASQUERADE rule.
    /// </summary>
    public static void Setup(MasqBackend backend, string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips,
        IReadOnlyList<CidrAddress>? noMasqDestinations = null)
    {
        ScriptInput.Attachment(network, containerId, ifName);
        if (backend == MasqBackend.IpTables)
        {
            IpTablesMasq.Setup(network, containerId, ips, noMasqDestinations ?? []);
        }
        else
        {
            NftMasq.Setup(network, containerId, ifName, ips, noMasqDestinations ?? []);
        }
    }

    /// <summary>Removes the attachment's rules from both backends; succeeds when there are none.</summary>
    public static void Teardown(string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips)
    {
        ScriptInput.Attachment(network, containerId, ifName);
        if (IpTables.Available(false))
        {
            IpTablesMasq.Teardown(network, containerId);
        }

        if (Nft.Available())
        {
            NftMasq.Teardown(network, containerId, ifName);
        }
    }

    /// <summary>Throws when a rule the attachment needs (those of <paramref name="noMasqDestinations"/> included) is missing.</summary>
    public static void Check(MasqBackend backend, string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips,
        IReadOnlyList<CidrAddress>? noMasqDestinations = null)
    {
        ScriptInput.Attachment(network, containerId, ifName);
        if (backend == MasqBackend.IpTables)
        {
            IpTablesMasq.Check(network, containerId, ips, noMasqDestinations ?? []);
        }
        else
        {
            NftMasq.Check(network, containerId, ifName, ips, noMasqDestinations ?? []);
        }
    }

    /// <summary>Removes the network's rules whose attachment is not in <paramref name="valid"/>, in both backends.</summary>
    public static void Gc(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
        ScriptInput.Network(network); // the valid attachments are only compared with what is there
        if (IpTables.Available(false))
        {
            IpTablesMasq.Gc(network, valid.Select(v => v.ContainerId).ToHashSet(StringComparer.Ordinal));
        }

        if (Nft.Available())
        {
            NftMasq.Gc(network, valid);
        }
    }
}
