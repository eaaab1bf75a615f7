using System.Text;
using System.Text.Json.Nodes;
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
    /// the same bytes otherwise (an explicit range is the operator's choice).
    /// </summary>
    internal static byte[] InjectRange(byte[] stdin, CidrAddress subnet)
    {
        if (JsonNode.Parse(stdin) is not JsonObject root || root["ipam"] is not JsonObject ipam || ipam.ContainsKey("ranges") || ipam.ContainsKey("subnet"))
        {
            return stdin;
        }

        ipam["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = subnet.ToString() }));
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
