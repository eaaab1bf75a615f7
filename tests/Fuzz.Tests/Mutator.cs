using System.Text;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Byte-level and JSON-aware mutations: bit flips, interesting bytes, cuts, inserts, repeats, splices with other
/// seeds, and replacing a JSON value by a hostile one (null, wrong types, huge numbers, long strings, invalid UTF-8).
/// </summary>
internal sealed class Mutator(Random rng, IReadOnlyList<byte[]> seeds)
{
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "null", "true", "false", "0", "-1", "4294967296", "-9223372036854775809", "1e400", "1.5", "\"\"", "{}", "[]", "[[]]",
            "[null]", "{\"\":null}", "\"10.0.0.0/33\"", "\"::ffff:1.2.3.4/120\"", "\"0.0.0.0/0\"", "\"255.255.255.255/32\"",
            "\"fe80::1%eth0\"", "\"../..\"", "\"a/b\"", "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('x', 300) + "\"",
            "[{\"subnet\":\"10.0.0.0/31\"}]", "{\"type\":\"host-local\"}", "\"1.1.0\"", "\"0.1.0\"", "\"9.9.9\"",
        }.Select(Encoding.UTF8.GetBytes),
        [0xff, 0xfe],
        [0x22, 0xc3, 0x28, 0x22],
        [0x22, 0xed, 0xa0, 0x80, 0x22],
    ];

    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'\\'];

    public byte[] Mutate(byte[] seed)
    {
        var data = new List<byte>(seed);
        int rounds = 1 + rng.Next(4);
        for (int i = 0; i < rounds; i++)
        {
            MutateOnce(data);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> d)
    {
        int pos = d.Count == 0 ? 0 : rng.Next(d.Count);
        switch (rng.Next(10))
        {
            case 0 when d.Count > 0:
                d[pos] ^= (byte)(1 << rng.Next(8));
                break;
            case 1 when d.Count > 0:
                d[pos] = Interesting[rng.Next(Interesting.Length)];
                break;
            case 2 when d.Count > 0:
                d.RemoveRange(pos, Math.Min(d.Count - pos, 1 + rng.Next(16)));
                break;
            case 3:
                d.InsertRange(pos, Enumerable.Range(0, 1 + rng.Next(8)).Select(_ => (byte)rng.Next(256)));
                break;
            case 4 when d.Count > 0:
                int len = Math.Min(d.Count - pos, 1 + rng.Next(32));
                d.InsertRange(pos, d.GetRange(pos, len));
                break;
            case 5:
                byte[] other = seeds[rng.Next(seeds.Count)];
                if (other.Length > 0)
                {
                    int from = rng.Next(other.Length);
                    d.InsertRange(pos, other.AsSpan(from, Math.Min(other.Length - from, 1 + rng.Next(64))).ToArray());
                }

                break;
            case 6 or 7:
                ReplaceValue(d);
                break;
            case 8:
                d.InsertRange(pos, Tokens[rng.Next(Tokens.Length)]);
                break;
            default:
                if (d.Count > 0)
                {
                    d.RemoveRange(pos, d.Count - pos);
                }

                break;
        }
    }

    /// <summary>Replaces the value after a random ':' (up to the next ',' or '}' at the same depth) by a hostile token.</summary>
    private void ReplaceValue(List<byte> d)
    {
        var colons = Enumerable.Range(0, d.Count).Where(i => d[i] == (byte)':').ToList();
        if (colons.Count == 0)
        {
            return;
        }

        int start = colons[rng.Next(colons.Count)] + 1;
        int depth = 0, end = start;
        bool inString = false;
        for (; end < d.Count; end++)
        {
            byte b = d[end];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    end++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (b is (byte)'}' or (byte)']' or (byte)',')
            {
                if (depth == 0)
                {
                    break;
                }

                if (b != (byte)',')
                {
                    depth--;
                }
            }
        }

        end = Math.Min(end, d.Count);
        d.RemoveRange(start, end - start);
        d.InsertRange(start, Tokens[rng.Next(Tokens.Length)]);
    }
}
