// Placeholder with the firewall layer's API, superseded by the firewall branch at merge.
using CniPlugins.Types;

namespace CniPlugins.Firewall;

public enum MasqBackend
{
    IpTables,
    NfTables,
}

public static class IpMasq
{
    public static MasqBackend SelectBackend(string? configured) => configured switch
    {
        null or "" or "iptables" => MasqBackend.IpTables,
        "nftables" => MasqBackend.NfTables,
        _ => throw CniException.InvalidConfig($"unknown ipMasqBackend \"{configured}\"", "use \"iptables\" or \"nftables\""),
    };

    public static void Setup(MasqBackend backend, string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips) =>
        throw new NotSupportedException("ipMasq is not available in this build");

    public static void Teardown(string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips)
    {
    }

    public static void Check(MasqBackend backend, string network, string containerId, string ifName, IReadOnlyList<CidrAddress> ips) =>
        throw new NotSupportedException("ipMasq is not available in this build");

    public static void Gc(string network, IReadOnlyCollection<(string ContainerId, string IfName)> valid)
    {
    }
}

public static class BridgeIsolation
{
    public static void Ensure(string bridgeName) => throw new NotSupportedException("isolation is not available in this build");

    public static void Remove(string bridgeName)
    {
    }

    public static void Check(string bridgeName) => throw new NotSupportedException("isolation is not available in this build");
}
