using CniPlugins.Types;

namespace CniPlugins.Firewall;

/// <summary>
/// One <c>iptables-restore --noflush</c> transaction on one table of one family: lines in restore syntax
/// (<c>:CHAIN - [0:0]</c>, <c>-A</c>, <c>-I</c>, <c>-D</c>, <c>-F</c>, <c>-X</c>), applied all or none. An
/// empty batch runs nothing.
/// </summary>
public sealed class IpTablesBatch(bool ipv6, string table)
{
    private readonly List<string> _lines = [];

    public bool IsEmpty => _lines.Count == 0;

    public IpTablesBatch Add(string line)
    {
        _lines.Add(line);
        return this;
    }

    public IpTablesBatch AddRange(IEnumerable<string> lines)
    {
        _lines.AddRange(lines);
        return this;
    }

    /// <summary>Applies the batch; a failure is a CNI error whose details are what the tool printed.</summary>
    public void Commit(string what)
    {
        if (_lines.Count == 0)
        {
            return;
        }

        string batch = $"*{table}\n{string.Join("\n", _lines)}\nCOMMIT\n";
        string tool = ipv6 ? "ip6tables-restore" : "iptables-restore";
        var (code, output) = FirewallTool.Run(tool, ["--noflush", "-w"], batch);
        if (code != 0)
        {
            throw new CniException(ErrorCode.Internal, $"failed to {what}: {tool} exited with {code}", FirewallTool.Details(output));
        }
    }
}
