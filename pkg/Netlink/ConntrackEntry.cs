using System.Net;

namespace CniPlugins.Netlink;

/// <summary>A conntrack entry's original direction: who sent the first packet to where, and its zone.</summary>
public sealed record ConntrackEntry(byte Family, IPAddress Source, IPAddress Destination, byte Protocol, ushort SourcePort,
    ushort DestinationPort, ushort? Zone);
