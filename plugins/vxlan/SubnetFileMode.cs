using System.Text;
using System.Text.Json;
using CniPlugins.Overlay;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Vxlan;

/// <summary>
/// <c>subnetFile</c> (l3): overlay-agent owns the node's subnet and the peers. The file's subnet becomes IPAM's range
/// when IPAM names none (as flannel's CNI plugin fills host-local's), its vni and mtu are the network's, and its
/// peers are added where the kernel lacks them, never removed (the agent removes peers that leave).
/// </summary>
internal static class SubnetFileMode
{
    /// <summary>
    /// Applies the file to <paramref name="conf"/> and returns the arguments IPAM gets; a missing or bad file is
    /// <paramref name="code"/> (11 for ADD, 50 for STATUS). Without <c>subnetFile</c>, <paramref name="args"/> as is.
    /// </summary>
    public static CmdArgs Apply(VxlanConfig conf, CmdArgs args, int code)
    {
        if (conf.SubnetFile is not { } path)
        {
            return args;
        }

        var file = SubnetFile.Read(path, code);
        conf.UseSubnetFile(file);
        byte[] stdin = InjectRange(args.StdinData, file.SubnetCidr);
        return ReferenceEquals(stdin, args.StdinData) ? args : args with { StdinData = stdin };
    }

    /// <summary>DEL and GC: the file when it is there; without it they go on with the config as written.</summary>
    public static CmdArgs TryApply(VxlanConfig conf, CmdArgs args)
    {
        try
        {
            return Apply(conf, args, ErrorCode.TryAgainLater);
        }
        catch (CniException) when (conf.SubnetFile is not null)
        {
            return args;
        }
    }

    /// <summary>
    /// <c>ipam.ranges = [[{"subnet": S}]]</c> when the IPAM config has neither <c>ranges</c> nor <c>subnet</c>;
    /// the same bytes otherwise (an explicit range is the operator's choice). The keys are matched as IPAM reads them
    /// (in any case, the last "ipam" counts), and the range is spliced in before the IPAM object's closing brace, so
    /// every other byte reaches IPAM as the runtime wrote it.
    /// </summary>
    internal static byte[] InjectRange(byte[] stdin, CidrAddress subnet)
    {
        var r = new Utf8JsonReader(stdin);
        JsonRead.Start(ref r);
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return stdin;
        }

        int ipamEnd = -1;
        bool ipamEmpty = false, hasRange = false;
        while (JsonRead.NextProperty(ref r, out string key))
        {
            if (key.ToLowerInvariant() != "ipam")
            {
                r.Skip();
                continue;
            }

            ipamEnd = -1;
            if (r.TokenType != JsonTokenType.StartObject)
            {
                r.Skip();
                continue;
            }

            ipamEmpty = true;
            hasRange = false;
            while (JsonRead.NextProperty(ref r, out string inner))
            {
                ipamEmpty = false;
                hasRange |= inner.ToLowerInvariant() is "ranges" or "subnet";
                r.Skip();
            }

            ipamEnd = (int)r.TokenStartIndex;
        }

        if (ipamEnd < 0 || hasRange)
        {
            return stdin;
        }

        byte[] range = Encoding.UTF8.GetBytes($"{(ipamEmpty ? "" : ",")}\"ranges\":[[{{\"subnet\":\"{subnet}\"}}]]");
        return [.. stdin.AsSpan(0, ipamEnd), .. range, .. stdin.AsSpan(ipamEnd)];
    }
}
