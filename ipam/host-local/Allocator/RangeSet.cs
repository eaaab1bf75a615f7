using System.Net;

namespace CniPlugins.HostLocal.Allocator;

/// <summary>
/// Ranges of one family pooled for a single allocation: each range set in the config yields one address.
/// </summary>
internal sealed class RangeSet
{
    public RangeSet(IReadOnlyList<Range> ranges)
    {
        if (ranges.Count == 0)
        {
            throw new RangeException("empty range set");
        }

        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].IsV4 != ranges[0].IsV4)
            {
                throw new RangeException("mixed address families");
            }
        }

        for (int i = 0; i < ranges.Count - 1; i++)
        {
            for (int j = i + 1; j < ranges.Count; j++)
            {
                if (ranges[i].Overlaps(ranges[j]))
                {
                    throw new RangeException($"subnets {ranges[i]} and {ranges[j]} overlap");
                }
            }
        }

        Ranges = ranges;
    }

    public IReadOnlyList<Range> Ranges { get; }

    public bool IsV4 => Ranges[0].IsV4;

    public Range? RangeFor(IPAddress ip)
    {
        foreach (var r in Ranges)
        {
            if (r.Contains(ip))
            {
                return r;
            }
        }

        return null;
    }

    public bool Contains(IPAddress ip) => RangeFor(ip) is not null;

    public bool Overlaps(RangeSet other) => Ranges.Any(r => other.Ranges.Any(r.Overlaps));

    public UInt128 Capacity
    {
        get
        {
            UInt128 total = 0;
            foreach (var r in Ranges)
            {
                total += r.Capacity;
            }

            return total;
        }
    }

    public override string ToString() => string.Join(",", Ranges);
}
