namespace CniPlugins.HostLocal.Allocator;

/// <summary>
/// Walks a range set round-robin exactly as the reference's RangeIter: from the address after the last reserved
/// one (or from the first range's start), through each range's [start, end], wrapping to the next range, skipping
/// gateways, and stopping when it is back where it began. Same order means a store shared with the reference
/// binary hands out the same addresses.
/// </summary>
internal sealed class RangeIterator
{
    private readonly RangeSet _set;
    private int _rangeIdx;
    private UInt128? _cur;
    private UInt128? _startIp;

    /// <param name="lastReserved">The set's last_reserved_ip, if it lies in the set.</param>
    public RangeIterator(RangeSet set, UInt128? lastReserved)
    {
        _set = set;
        if (lastReserved is { } last)
        {
            for (int i = 0; i < set.Ranges.Count; i++)
            {
                if (set.Ranges[i].Contains(last))
                {
                    _rangeIdx = i;
                    _cur = last;
                    return;
                }
            }
        }

        _startIp = set.Ranges[0].Start;
    }

    /// <summary>The next candidate and its range; false once every address has been offered.</summary>
    public bool TryNext(out UInt128 ip, out Range range)
    {
        while (true)
        {
            range = _set.Ranges[_rangeIdx];
            if (_cur is null)
            {
                _cur = range.Start;
                _startIp = _cur;
                if (_cur.Value == range.GatewayNumber)
                {
                    continue;
                }

                ip = _cur.Value;
                return true;
            }

            if (_cur.Value == range.End)
            {
                _rangeIdx = (_rangeIdx + 1) % _set.Ranges.Count;
                range = _set.Ranges[_rangeIdx];
                _cur = range.Start;
            }
            else
            {
                _cur = _cur.Value + 1;
            }

            if (_startIp is null)
            {
                _startIp = _cur;
            }
            else if (_cur.Value == _startIp.Value)
            {
                ip = default;
                return false;
            }

            if (_cur.Value == range.GatewayNumber)
            {
                continue;
            }

            ip = _cur.Value;
            return true;
        }
    }
}
