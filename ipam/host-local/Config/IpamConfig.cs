using System.Net;
using CniPlugins.HostLocal.Allocator;
using CniPlugins.Types;

namespace CniPlugins.HostLocal.Config;

/// <summary>The validated host-local configuration of one call (the reference's IPAMConfig after LoadIPAMConfig).</summary>
internal sealed class IpamConfig
{
    public const string DefaultDataDir = "/var/lib/cni/networks";

    public const string DefaultIndexDir = "/run/cni/host-local";

    public required string Name { get; init; }

    /// <summary>The config's cniVersion as written (may be empty).</summary>
    public required string CniVersion { get; init; }

    /// <summary>Range sets in allocation order: runtimeConfig.ipRanges, then the legacy top-level range, then ranges.</summary>
    public required IReadOnlyList<RangeSet> Ranges { get; init; }

    public List<Route>? Routes { get; init; }

    public string DataDir { get; init; } = DefaultDataDir;

    /// <summary>Where the by-attachment index lives (ours only; tmpfs, gone after a reboot as attachments are).</summary>
    public string IndexDir { get; init; } = DefaultIndexDir;

    public string? ResolvConf { get; init; }

    /// <summary>Requested addresses from CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips, in that order.</summary>
    public IReadOnlyList<IPAddress> RequestedIps { get; init; } = [];

    public ReadOnlyMemory<byte>? PrevResult { get; init; }

    /// <summary>GC: the attachments still in use, from either key; null when the runtime sent neither.</summary>
    public IReadOnlyList<GcAttachment>? ValidAttachments { get; init; }
}
