using CniPlugins.Conformance.HostLocal;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// Debian's podman 4.3 with its CNI backend, crun and a busybox image imported from a local rootfs (no registry),
/// living its whole life in one <see cref="RuntimeNamespace"/> (a private mount namespace in a test "host" network
/// namespace). containers.conf: network_backend "cni" (netavark may be installed too), our bin/ as the only plugin
/// dir, a conflist directory of ours (podman's generated networks chain firewall and tuning, which we do not
/// ship), cgroups disabled with the cgroupfs manager, file locks, nofile/nproc ulimits of 4096 (the sandbox has no
/// CAP_SYS_RESOURCE to raise them) and every path in a temp dir; storage.conf: vfs in that temp dir.
/// </summary>
internal sealed class PodmanLab : IDisposable
{
    public const string Image = "localhost/cnit-busybox:latest";

    /// <summary>Applets the image's /bin offers as links to the static busybox.</summary>
    private static readonly string[] Applets = ["sh", "sleep", "ping", "ip", "cat", "nc", "httpd", "wget"];

    private readonly string _root;
    private readonly RuntimeNamespace _ns;

    public PodmanLab(string netName, Func<PodmanLab, string> conflist)
        : this(netName)
    {
        File.WriteAllText(Path.Combine(_root, "net.d", $"{netName}.conflist"), conflist(this));
    }

    /// <summary>A lab with no network of ours: for images built and run with <c>--network none</c>.</summary>
    public PodmanLab()
        : this("none")
    {
    }

    private PodmanLab(string netName)
    {
        Host = new TestNetns("host");
        _root = Directory.CreateTempSubdirectory("cnit-podman-").FullName;
        NetName = netName;
        foreach (string d in new[] { "net.d", "storage", "run", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(_root, d));
        }

        File.WriteAllText(Path.Combine(_root, "containers.conf"), $$"""
            [containers]
            cgroups = "disabled"
            default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            events_logfile_path = "{{_root}}/events.log"
            lock_type = "file"
            runtime = "crun"
            tmp_dir = "{{_root}}/tmp"
            image_copy_tmp_dir = "{{_root}}/tmp"
            static_dir = "{{_root}}/storage/libpod"
            volume_path = "{{_root}}/storage/volumes"
            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["{{Paths.OurBin}}"]
            network_config_dir = "{{_root}}/net.d"
            """);
        File.WriteAllText(Path.Combine(_root, "storage.conf"), $$"""
            [storage]
            driver = "vfs"
            graphroot = "{{_root}}/storage"
            runroot = "{{_root}}/run"
            """);
        File.WriteAllText(Path.Combine(_root, "registries.conf"), "");
        _ns = new RuntimeNamespace(Host, new Dictionary<string, string>
        {
            ["CONTAINERS_CONF"] = Path.Combine(_root, "containers.conf"),
            ["CONTAINERS_STORAGE_CONF"] = Path.Combine(_root, "storage.conf"),
            ["CONTAINERS_REGISTRIES_CONF"] = Path.Combine(_root, "registries.conf"),
            ["TMPDIR"] = Path.Combine(_root, "tmp"),
        });

        string rootfs = Path.Combine(_root, "rootfs");
        Podman("import", BusyboxRootfs(_root), Image).EnsureSuccess("podman import");
    }

    /// <summary>Debian's busybox-static: a self-contained rootfs needs nothing else.</summary>
    public const string Busybox = "/bin/busybox";

    /// <summary>Writes a rootfs of the static busybox and its applet links under <paramref name="dir"/>; its tar.</summary>
    public static string BusyboxRootfs(string dir)
    {
        string rootfs = Path.Combine(dir, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy(Busybox, Path.Combine(rootfs, "bin", "busybox"));
        foreach (string applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        }

        string tar = Path.Combine(dir, "rootfs.tar");
        Shell.Run("tar", ["-C", rootfs, "-cf", tar, "."]).EnsureSuccess("tar the rootfs");
        return tar;
    }

    public TestNetns Host { get; }

    public string NetName { get; }

    public string DataDir => Path.Combine(_root, "data");

    public string IndexDir => Path.Combine(_root, "index");

    /// <summary>Why podman cannot run here (a visible skip), or null.</summary>
    public static string? Missing
    {
        get
        {
            var tools = new[] { "podman", "crun", "conmon", "nsenter", "unshare", "mountpoint", "tar" }.Where(t => !NeedsToolsFactAttribute.OnPath(t)).ToList();
            if (tools.Count > 0)
            {
                return $"needs {string.Join(", ", tools)} on PATH (podman, crun, conmon; scripts/deps.sh installs them)";
            }

            return BusyboxMissing;
        }
    }

    /// <summary>Null when <see cref="Busybox"/> is static, else why an image cannot be made from it.</summary>
    public static string? BusyboxMissing =>
        File.Exists(Busybox) && !ElfImage.Read(Busybox).HasInterpreter
            ? null
            : $"needs a static {Busybox} for the image's rootfs (busybox-static; scripts/deps.sh installs it)";

    /// <summary>Runs podman inside the lab's mount and network namespaces.</summary>
    public Shell.Output Podman(params string[] args) => _ns.Run(["podman", .. args], TimeSpan.FromMinutes(3));

    /// <summary>Runs a command that calls podman (a build script) inside the lab, with the lab's configuration.</summary>
    public Shell.Output Run(params string[] command) => _ns.Run(command, TimeSpan.FromMinutes(5));

    /// <summary>What podman's libcni cache holds (libcni's default /var/lib/cni, private to the lab).</summary>
    public string[] CachedResults() => _ns.List("/var/lib/cni/results");

    /// <summary>Network namespace files podman holds under its (private) /run/netns.</summary>
    public string[] PodmanNetns() => _ns.List("/run/netns");

    public void Dispose()
    {
        if (_ns.Alive)
        {
            // Whatever a failed test left: containers first (conmon, crun state), then the namespace's holder.
            Podman("rm", "--all", "--force", "--time", "0");
        }

        _ns.Dispose();
        Host.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
