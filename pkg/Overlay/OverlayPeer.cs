using System.Net;
using CniPlugins.Types;

namespace CniPlugins.Overlay;

/// <summary>
/// Another host of an overlay: its underlay address and, in the routed (l3) model, the container subnets it owns
/// (one per family). The vxlan plugin reads them from its config, the overlay agent from etcd.
/// </summary>
public sealed record OverlayPeer(IPAddress Underlay, IReadOnlyList<CidrAddress> Subnets);
