using System.Net;
using CniPlugins.Types;

namespace CniPlugins.OverlayAgent;

/// <summary>The command line: <c>overlay-agent [run|leave] --flag value ...</c>; every mistake is a message naming the flag.</summary>
internal sealed class AgentOptions
{
    public const string Usage = """
        overlay-agent: leases this node a subnet of the cluster CIDR in etcd, publishes it, and keeps the VXLAN
        device's routes, neighbour and FDB entries in step with every other node's record.

        usage: overlay-agent [run] --etcd-endpoints URL[,URL...] --network NAME --cluster-cidr CIDR --node NAME [flags]
               overlay-agent leave --etcd-endpoints URL[,URL...] --network NAME --node NAME [--prefix P] [TLS flags]

          --etcd-endpoints URLS     etcd client URLs, comma separated (http:// or https://)
          --etcd-cafile FILE        CA certificate (PEM) the etcd server's certificate must chain to
          --etcd-certfile FILE      client certificate (PEM) for etcd
          --etcd-keyfile FILE       client key (PEM) for etcd
          --network NAME            overlay network name (the key under --prefix and the state file's name)
          --cluster-cidr CIDR       IPv4 range every node's subnet is cut from, e.g. 10.244.0.0/16
          --subnet-len N            prefix length of a node's subnet (default 24)
          --node NAME               this node's name (default: the host name)
          --underlay-ip ADDRESS     the address VXLAN packets come from (default: from --underlay-interface)
          --underlay-interface IF   the underlay interface (default: the default route's)
          --vni N                   VXLAN network identifier (default 1)
          --port N                  VXLAN UDP port (default 4789)
          --mtu N                   overlay MTU (default: the underlay's less 50)
          --vxlan-device NAME       the VXLAN device (default vxlan<vni>, as the vxlan plugin names it)
          --lease-ttl SECONDS       how long a silent node keeps its subnet and its peers' routes (default 86400)
          --state-dir DIR           where <network>.json is written for the vxlan plugin (default /run/cni-overlay)
          --prefix KEY              etcd key prefix (default /cni-overlay)
          --log-level LEVEL         debug, info, warn or error (default info)
          -h, --help                this text
        """;

    private static readonly HashSet<string> Flags =
    [
        "--etcd-endpoints", "--etcd-cafile", "--etcd-certfile", "--etcd-keyfile", "--network", "--cluster-cidr", "--subnet-len", "--node",
        "--underlay-ip", "--underlay-interface", "--vni", "--port", "--mtu", "--vxlan-device", "--lease-ttl", "--state-dir", "--prefix", "--log-level",
    ];

    public string Command { get; private set; } = "run";

    public List<Uri> Endpoints { get; } = [];

    public string? CaFile { get; private set; }

    public string? CertFile { get; private set; }

    public string? KeyFile { get; private set; }

    public string Network { get; private set; } = "";

    public CidrAddress ClusterCidr { get; private set; }

    public int SubnetLen { get; private set; } = 24;

    public string Node { get; private set; } = "";

    public IPAddress? UnderlayIp { get; private set; }

    public string? UnderlayInterface { get; private set; }

    public uint Vni { get; private set; } = 1;

    public ushort Port { get; private set; } = 4789;

    public int Mtu { get; private set; }

    public string? VxlanDevice { get; private set; }

    public long LeaseTtl { get; private set; } = 86400;

    public string StateDir { get; private set; } = "/run/cni-overlay";

    public string Prefix { get; private set; } = "/cni-overlay";

    public bool Help { get; private set; }

    public string DeviceName => string.IsNullOrEmpty(VxlanDevice) ? $"vxlan{Vni}" : VxlanDevice;

    public string StateFile => Path.Combine(StateDir, Network + ".json");

    public static AgentOptions Parse(string[] args)
    {
        var o = new AgentOptions();
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            o.Command = args[0] is "run" or "leave" ? args[0] : throw new UsageException($"unknown command \"{args[0]}\" (run or leave)");
            i = 1;
        }

        bool haveCidr = false;
        for (; i < args.Length; i++)
        {
            string flag = args[i];
            string? inline = null;
            if (flag.StartsWith("--", StringComparison.Ordinal) && flag.IndexOf('=') is int eq and > 0)
            {
                inline = flag[(eq + 1)..];
                flag = flag[..eq];
            }

            if (flag is "-h" or "--help")
            {
                o.Help = true;
                continue;
            }

            if (!Flags.Contains(flag))
            {
                throw new UsageException($"unknown flag {flag}");
            }

            string value = inline ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"{flag} needs a value"));
            switch (flag)
            {
                case "--etcd-endpoints":
                    foreach (string u in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        o.Endpoints.Add(Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                            ? uri
                            : throw new UsageException($"--etcd-endpoints: \"{u}\" is not an http:// or https:// URL"));
                    }

                    break;
                case "--etcd-cafile": o.CaFile = ExistingFile(flag, value); break;
                case "--etcd-certfile": o.CertFile = ExistingFile(flag, value); break;
                case "--etcd-keyfile": o.KeyFile = ExistingFile(flag, value); break;
                case "--network": o.Network = value; break;
                case "--cluster-cidr":
                    o.ClusterCidr = CidrAddress.TryParse(value, out var c) && c.IsIPv4 && c.Address.Equals(c.Network.BaseAddress)
                        ? c
                        : throw new UsageException($"--cluster-cidr: \"{value}\" is not an IPv4 network address with a prefix");
                    haveCidr = true;
                    break;
                case "--subnet-len": o.SubnetLen = Int(flag, value, 1, 30); break;
                case "--node": o.Node = value; break;
                case "--underlay-ip":
                    o.UnderlayIp = IPAddress.TryParse(value, out var ip) ? ip : throw new UsageException($"--underlay-ip: \"{value}\" is not an address");
                    break;
                case "--underlay-interface": o.UnderlayInterface = value; break;
                case "--vni": o.Vni = (uint)Int(flag, value, 1, 16777215); break;
                case "--port": o.Port = (ushort)Int(flag, value, 1, 65535); break;
                case "--mtu": o.Mtu = Int(flag, value, 576, 65535); break;
                case "--vxlan-device": o.VxlanDevice = value; break;
                case "--lease-ttl": o.LeaseTtl = Int(flag, value, 2, int.MaxValue); break;
                case "--state-dir": o.StateDir = value; break;
                case "--prefix": o.Prefix = value.StartsWith('/') ? value : throw new UsageException("--prefix must start with /"); break;
                case "--log-level":
                    Log.Threshold = Log.TryParseLevel(value, out var level) ? level : throw new UsageException($"--log-level: \"{value}\" is not debug, info, warn or error");
                    break;
                default: throw new UsageException($"unknown flag {flag}");
            }
        }

        if (o.Help)
        {
            return o;
        }

        if (string.IsNullOrEmpty(o.Node))
        {
            o.Node = Environment.MachineName;
        }

        if (o.Endpoints.Count == 0)
        {
            throw new UsageException("--etcd-endpoints is required");
        }

        if (string.IsNullOrEmpty(o.Network) || o.Network.Contains('/') || o.Network.StartsWith('.'))
        {
            throw new UsageException("--network is required: a name without / (the etcd key and the state file's name)");
        }

        if (o.Node.Contains('/'))
        {
            throw new UsageException("--node must not contain /");
        }

        if ((o.CertFile is null) != (o.KeyFile is null))
        {
            throw new UsageException("--etcd-certfile and --etcd-keyfile go together");
        }

        if (o.Command == "run")
        {
            if (!haveCidr)
            {
                throw new UsageException("--cluster-cidr is required");
            }

            if (o.SubnetLen <= o.ClusterCidr.PrefixLength || o.SubnetLen - o.ClusterCidr.PrefixLength > 20)
            {
                throw new UsageException($"--subnet-len {o.SubnetLen} must be longer than the cluster CIDR's /{o.ClusterCidr.PrefixLength} (by at most 20 bits)");
            }
        }

        return o;
    }

    private static int Int(string flag, string value, int min, int max) =>
        int.TryParse(value, out int n) && n >= min && n <= max ? n : throw new UsageException($"{flag}: \"{value}\" is not a number from {min} to {max}");

    private static string ExistingFile(string flag, string value) =>
        File.Exists(value) ? value : throw new UsageException($"{flag}: {value} does not exist");
}

internal sealed class UsageException(string message) : Exception(message);
