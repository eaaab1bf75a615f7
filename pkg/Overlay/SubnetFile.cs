using System.Net;
using System.Text;
using System.Text.Json;
using CniPlugins.Types;

namespace CniPlugins.Overlay;

/// <summary>
/// What the overlay agent tells the vxlan plugin about a network on this node (<c>&lt;state-dir&gt;/&lt;network&gt;.json</c>):
/// the node's subnet, the overlay's VNI and MTU, and the peers it knew when it wrote the file. The agent writes it
/// aside and renames it over, so a reader sees an old or a new file, never half of one.
/// </summary>
public sealed class SubnetFile
{
    public string Network { get; set; } = "";

    public string Subnet { get; set; } = "";

    public int Mtu { get; set; }

    public long Vni { get; set; }

    /// <summary>The whole cluster range: containers route it to their host, so peers that join later are reachable too.</summary>
    public string? ClusterCidr { get; set; }

    public List<SubnetFilePeer> Peers { get; set; } = [];

    public CidrAddress? ClusterCidrValue { get; private set; }

    /// <summary>The parsed subnet (a network address with its prefix).</summary>
    public CidrAddress SubnetCidr { get; private set; }

    /// <summary>The peers as the l3 peer code takes them.</summary>
    public List<OverlayPeer> PeerList { get; private set; } = [];

    /// <summary>
    /// Reads and checks <paramref name="path"/>; a missing, unreadable or malformed file is a CNI error of
    /// <paramref name="code"/> that names the file (11 for ADD: the agent has not written it yet; 50 for STATUS).
    /// </summary>
    public static SubnetFile Read(string path, int code)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(code, $"subnet file {path} cannot be read: {e.Message}",
                "is overlay-agent running for this network on this node? it writes the file once it holds a subnet");
        }

        return Parse(bytes, path, code);
    }

    public static SubnetFile Parse(byte[] bytes, string path, int code)
    {
        SubnetFile? file;
        try
        {
            file = ReadJson(bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CniException(code, $"subnet file {path} is not valid JSON: {e.Message}", "overlay-agent rewrites it; remove it and restart the agent", e);
        }

        if (file is null)
        {
            throw new CniException(code, $"subnet file {path} is empty");
        }

        if (!CidrAddress.TryParse(file.Subnet, out var subnet) || !subnet.Address.Equals(subnet.Network.BaseAddress))
        {
            throw new CniException(code, $"subnet file {path}: subnet \"{file.Subnet}\" is not a network address with a prefix");
        }

        if (file.Vni < 1 || file.Vni > 16777215)
        {
            throw new CniException(code, $"subnet file {path}: invalid vni {file.Vni}");
        }

        if (file.Mtu < 0)
        {
            throw new CniException(code, $"subnet file {path}: invalid mtu {file.Mtu}");
        }

        if (file.ClusterCidr is not null)
        {
            file.ClusterCidrValue = CidrAddress.TryParse(file.ClusterCidr, out var cluster) && cluster.Address.Equals(cluster.Network.BaseAddress)
                ? cluster
                : throw new CniException(code, $"subnet file {path}: clusterCidr \"{file.ClusterCidr}\" is not a network address with a prefix");
        }

        file.SubnetCidr = subnet;
        file.PeerList = [];
        foreach (var p in file.Peers)
        {
            if (!IPAddress.TryParse(p.Underlay, out var underlay) || !CidrAddress.TryParse(p.Subnet, out var ps) || !ps.Address.Equals(ps.Network.BaseAddress))
            {
                throw new CniException(code, $"subnet file {path}: peer {p.Underlay} {p.Subnet} is not an address and a subnet");
            }

            file.PeerList.Add(new OverlayPeer(underlay, [ps]));
        }

        return file;
    }

    /// <summary>Writes the file under a scratch name in the same directory, then renames it over <paramref name="path"/>.</summary>
    public void Write(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string scratch = Path.Combine(dir, "." + Path.GetFileName(path) + ".tmp");
        byte[] bytes = ToJson();
        using (var fs = new FileStream(scratch, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(bytes);
            fs.Write("\n"u8);
            fs.Flush(flushToDisk: true);
        }

        File.Move(scratch, path, overwrite: true);
    }

    public override string ToString() => Encoding.UTF8.GetString(ToJson());

    /// <summary>One line of compact JSON; clusterCidr only when set.</summary>
    private byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("network", Network);
            w.WriteString("subnet", Subnet);
            w.WriteNumber("mtu", Mtu);
            w.WriteNumber("vni", Vni);
            if (ClusterCidr is not null)
            {
                w.WriteString("clusterCidr", ClusterCidr);
            }

            w.WriteStartArray("peers");
            foreach (var p in Peers)
            {
                w.WriteStartObject();
                w.WriteString("underlay", p.Underlay);
                w.WriteString("subnet", p.Subnet);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The file's keys by <see cref="JsonRead"/>'s rules; null for a file that holds JSON null.</summary>
    private static SubnetFile? ReadJson(byte[] bytes)
    {
        var r = new Utf8JsonReader(bytes);
        JsonRead.Start(ref r);
        if (JsonRead.IsNull(ref r))
        {
            return null;
        }

        var file = new SubnetFile();
        JsonRead.Object(ref r, "the subnet file");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "network": file.Network = JsonRead.Str(ref r, key) ?? file.Network; break;
                case "subnet": file.Subnet = JsonRead.Str(ref r, key) ?? file.Subnet; break;
                case "mtu": file.Mtu = JsonRead.Int(ref r, key) ?? file.Mtu; break;
                case "vni": file.Vni = JsonRead.Long(ref r, key) ?? file.Vni; break;
                case "clustercidr": file.ClusterCidr = JsonRead.Str(ref r, key) ?? file.ClusterCidr; break;
                case "peers": file.Peers = JsonRead.List(ref r, key, SubnetFilePeer.Read) ?? file.Peers; break;
                default: r.Skip(); break;
            }
        }

        JsonRead.End(ref r);
        return file;
    }
}

public sealed class SubnetFilePeer
{
    public string Underlay { get; set; } = "";

    public string Subnet { get; set; } = "";

    internal static SubnetFilePeer Read(ref Utf8JsonReader r)
    {
        var p = new SubnetFilePeer();
        JsonRead.Object(ref r, "a peer");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "underlay": p.Underlay = JsonRead.Str(ref r, key) ?? p.Underlay; break;
                case "subnet": p.Subnet = JsonRead.Str(ref r, key) ?? p.Subnet; break;
                default: r.Skip(); break;
            }
        }

        return p;
    }
}
