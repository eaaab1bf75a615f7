using System.Net;
using CniPlugins.HostLocal.Backend;
using CniPlugins.Ip;
using CniPlugins.Types;

namespace CniPlugins.HostLocal.Allocator;

/// <summary>Hands out one address of one range set (the reference's IPAllocator.Get).</summary>
internal sealed class IpAllocator(RangeSet set, IStore store, int rangeId)
{
    /// <summary>Reserves <paramref name="requested"/> or the next free address for the attachment.</summary>
    /// <exception cref="AllocationException">Nothing could be reserved; the message is the reference's.</exception>
    public IPConfig Get(string id, string ifName, IPAddress? requested)
    {
        if (requested is not null)
        {
            var r = set.RangeFor(requested)
                ?? throw new AllocationException($"{GoIp.Format(requested)} not in range set {set}");
            if (IpMath.ToNumber(requested) == r.GatewayNumber)
            {
                throw new AllocationException($"requested ip {GoIp.Format(requested)} is subnet's gateway");
            }

            if (!store.Reserve(id, ifName, requested, rangeId))
            {
                throw new AllocationException($"requested IP address {GoIp.Format(requested)} is not available in range set {set}");
            }

            return new IPConfig { Address = new CidrAddress(requested, r.Prefix), Gateway = r.Gateway };
        }

        // The spec forbids a second ADD for the same attachment without a DEL in between.
        foreach (var held in store.GetById(id, ifName))
        {
            if (set.Contains(held))
            {
                throw new AllocationException($"{GoIp.Format(held)} has been allocated to {id}, duplicate allocation is not allowed");
            }
        }

        var last = store.LastReservedIp(rangeId);
        var iter = new RangeIterator(set, last is not null && set.Contains(last) ? IpMath.ToNumber(last) : null);
        while (iter.TryNext(out UInt128 candidate, out var range))
        {
            var ip = range.AddressOf(candidate);
            if (store.Reserve(id, ifName, ip, rangeId))
            {
                return new IPConfig { Address = new CidrAddress(ip, range.Prefix), Gateway = range.Gateway };
            }
        }

        throw new AllocationException($"no IP addresses available in range set: {set}");
    }
}

/// <summary>An allocation failed for a reason of the store's state (taken, exhausted, duplicate).</summary>
internal sealed class AllocationException(string message) : Exception(message);
