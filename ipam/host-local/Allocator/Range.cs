using System.Net;
using CniPlugins.Ip;

namespace CniPlugins.HostLocal.Allocator;

/// <summary>
/// One pool of addresses: a subnet and the inclusive [start, end] window inside it, plus the gateway that is never
/// handed out. Built only through <see cref="Canonicalize"/>, which fills the reference's defaults (start = .1 —
/// the gateway is skipped when iterating —, end = last address, without the broadcast for IPv4, gateway = .1).
/// </summary>
internal sealed class Range
{
    private Range(IPAddress subnet, int prefix, UInt128 start, UInt128 end, UInt128 gateway)
    {
        Subnet = subnet;
        Prefix = prefix;
        IsV4 = IpMath.IsV4(subnet);
        Network = IpMath.ToNumber(subnet);
        Start = start;
        End = end;
        GatewayNumber = gateway;
        RangeStart = IpMath.FromNumber(start, IsV4);
        RangeEnd = IpMath.FromNumber(end, IsV4);
        Gateway = IpMath.FromNumber(gateway, IsV4);
    }

    public IPAddress Subnet { get; }

    public int Prefix { get; }

    public bool IsV4 { get; }

    public UInt128 Network { get; }

    public UInt128 Start { get; }

    public UInt128 End { get; }

    public UInt128 GatewayNumber { get; }

    public IPAddress RangeStart { get; }

    public IPAddress RangeEnd { get; }

    public IPAddress Gateway { get; }

    /// <summary>The subnet as Go prints it, e.g. "10.1.2.0/24".</summary>
    public string SubnetText => $"{GoIp.Format(Subnet)}/{Prefix}";

    /// <summary>
    /// Validates a configured range and fills its defaults, with the reference's messages (range.go Canonicalize);
    /// addresses are already parsed. Unlike the reference 1.1.x, a gateway outside the subnet is refused.
    /// </summary>
    public static Range Canonicalize(IPAddress? subnet, int prefix, IPAddress? rangeStart, IPAddress? rangeEnd, IPAddress? gateway)
    {
        if (subnet is null)
        {
            throw new RangeException("IP <nil> not v4 nor v6");
        }

        bool v4 = IpMath.IsV4(subnet);
        int bits = IpMath.Bits(v4);
        if (prefix > bits - 2)
        {
            throw new RangeException($"Network {GoIp.Format(subnet)}/{prefix} too small to allocate from");
        }

        UInt128 hostMask = IpMath.HostMask(prefix, v4);
        UInt128 given = IpMath.ToNumber(subnet);
        UInt128 network = given & ~hostMask;
        if (given != network)
        {
            throw new RangeException(
                $"Network has host bits set. For a subnet mask of length {prefix} the network address is {GoIp.Format(IpMath.FromNumber(network, v4))}");
        }

        UInt128 last = network | hostMask;
        string net = $"{GoIp.Format(subnet)}/{prefix}";
        bool InSubnet(IPAddress ip) => IpMath.IsV4(ip) == v4 && (IpMath.ToNumber(ip) & ~hostMask) == network;

        UInt128 gw = network + 1;
        if (gateway is not null)
        {
            if (!InSubnet(gateway))
            {
                throw new RangeException($"gateway {GoIp.Format(gateway)} not in network {net}");
            }

            gw = IpMath.ToNumber(gateway);
        }

        UInt128? end = rangeEnd is not null && IpMath.IsV4(rangeEnd) == v4 ? IpMath.ToNumber(rangeEnd) : null;
        UInt128 start = network + 1;
        if (rangeStart is not null)
        {
            // As in the reference, a start after an explicit end is reported as a bad start.
            if (!InSubnet(rangeStart) || (end is { } e && IpMath.ToNumber(rangeStart) > e))
            {
                throw new RangeException($"RangeStart {GoIp.Format(rangeStart)} not in network {net}");
            }

            start = IpMath.ToNumber(rangeStart);
        }

        UInt128 stop = v4 ? last - 1 : last;
        if (rangeEnd is not null)
        {
            if (end is null || !InSubnet(rangeEnd) || end.Value < start)
            {
                throw new RangeException($"RangeEnd {GoIp.Format(rangeEnd)} not in network {net}");
            }

            stop = end.Value;
        }

        return new Range(IpMath.FromNumber(network, v4), prefix, start, stop, gw);
    }

    public bool Contains(IPAddress ip) => IpMath.IsV4(ip) == IsV4 && Contains(IpMath.ToNumber(ip));

    public bool Contains(UInt128 n) => n >= Start && n <= End;

    public bool Overlaps(Range other) =>
        IsV4 == other.IsV4 &&
        (Contains(other.Start) || Contains(other.End) || other.Contains(Start) || other.Contains(End));

    /// <summary>How many addresses this range can hand out (the gateway excluded).</summary>
    public UInt128 Capacity => End - Start + 1 - (Contains(GatewayNumber) ? UInt128.One : UInt128.Zero);

    public IPAddress AddressOf(UInt128 n) => IpMath.FromNumber(n, IsV4);

    public override string ToString() => $"{GoIp.Format(RangeStart)}-{GoIp.Format(RangeEnd)}";
}

/// <summary>A range or range set is invalid; the message is the reference's.</summary>
internal sealed class RangeException(string message) : Exception(message);
