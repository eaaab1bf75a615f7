using System.Diagnostics;
using CniPlugins.Conformance.HostLocal;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// Debian's podman 4.3 with its CNI backend, crun and a busybox image imported from a local rootfs (no registry),
/// living its whole life in one private mount namespace whose network namespace is a test "host" namespace.
/// <list type="bullet">
/// <item>A holder process (<c>nsenter --net=host unshare --mount sleep</c>) owns that mount namespace; every podman
/// command enters it and the host namespace by the holder's pid (<c>nsenter -t pid -m -n</c>), so the container
/// namespaces podman bind-mounts under /run/netns and conmon's state stay visible from one command to the next.
/// The namespaces are entered with nsenter, not <c>ip netns exec</c>, whose /sys remount hides /sys/fs/cgroup.</item>
/// <item>Inside it tmpfs hide /run, /var/lib and /var/tmp (podman's and libcni's default state and cache paths),
/// and the cgroup2 "unified" mount of a hybrid layout is unmounted, which crun refuses otherwise; the machine's
/// mounts are untouched. Killing the holder once podman has removed its containers drops all of it.</item>
/// <item>containers.conf: network_backend "cni" (netavark may be installed too), our bin/ as the only plugin
/// dir, a conflist directory of ours (podman's generated networks chain firewall and tuning, which we do not
/// ship), cgroups disabled with the cgroupfs manager, file locks, nofile/nproc ulimits of 4096 (the sandbox has
/// no CAP_SYS_RESOURCE to raise them) and every path in a temp dir; storage.conf: vfs in that temp dir.</item>
/// </list>
/// </summary>
internal sealed class PodmanLab : IDisposable
{
    public const string Image = "localhost/cnit-busybox:latest";

    /// <summary>Applets the image's /bin offers as links to the static busybox.</summary>
    private static readonly string[] Applets = ["sh", "sleep", "ping", "ip", "cat", "nc", "httpd", "wget"];

    private const string MountSetup =
        "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib && mount -t tmpfs tmpfs /var/tmp && " +
        "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi";

    private readonly string _root;
    private readonly Process _holder;
    private readonly Dictionary<string, string> _env;

    public PodmanLab(string netName, Func<PodmanLab, string> conflist)
    {
        Host = new TestNetns("host");
        _root = Directory.CreateTempSubdirectory("cnit-podman-").FullName;
        NetName = netName;
        foreach (string d in new[] { "net.d", "storage", "run", "tmp", "rootfs/bin" })
        {
            Directory.CreateDirectory(Path.Combine(_root, d));
        }

        File.WriteAllText(Path.Combine(_root, "net.d", $"{netName}.conflist"), conflist(this));
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
        _env = new Dictionary<string, string>
        {
            ["CONTAINERS_CONF"] = Path.Combine(_root, "containers.conf"),
            ["CONTAINERS_STORAGE_CONF"] = Path.Combine(_root, "storage.conf"),
            ["CONTAINERS_REGISTRIES_CONF"] = Path.Combine(_root, "registries.conf"),
            ["TMPDIR"] = Path.Combine(_root, "tmp"),
        };

        // nsenter and unshare exec without forking, so the started pid is the holder. It ends by itself should
        // the test process die before Dispose.
        _holder = Process.Start(new ProcessStartInfo("nsenter")
        {
            ArgumentList = { "--net=" + Host.Path, "--", "unshare", "--mount", "--propagation", "private", "--", "sleep", "900" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        WaitForHolder();
        Enter(["sh", "-c", MountSetup]).EnsureSuccess("podman's private mounts");

        string rootfs = Path.Combine(_root, "rootfs");
        File.Copy(Busybox, Path.Combine(rootfs, "bin", "busybox"));
        foreach (string applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        }

        string tar = Path.Combine(_root, "rootfs.tar");
        Shell.Run("tar", ["-C", rootfs, "-cf", tar, "."]).EnsureSuccess("tar the rootfs");
        Podman("import", tar, Image).EnsureSuccess("podman import");
    }

    /// <summary>Debian's busybox-static: a self-contained rootfs needs nothing else.</summary>
    public const string Busybox = "/bin/busybox";

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

            return File.Exists(Busybox) && !ElfImage.Read(Busybox).HasInterpreter
                ? null
                : $"needs a static {Busybox} for the image's rootfs (busybox-static; scripts/deps.sh installs it)";
        }
    }

    /// <summary>Runs podman inside the lab's mount and network namespaces.</summary>
    public Shell.Output Podman(params string[] args) =>
        Enter(["podman", .. args], TimeSpan.FromMinutes(3));

    /// <summary>What podman's libcni cache holds (libcni's default /var/lib/cni, private to the lab).</summary>
    public string[] CachedResults() =>
        Enter(["sh", "-c", "ls /var/lib/cni/results 2>/dev/null || true"]).EnsureSuccess("list the cache").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Network namespace files podman holds under its (private) /run/netns.</summary>
    public string[] PodmanNetns() =>
        Enter(["sh", "-c", "ls /run/netns 2>/dev/null || true"]).EnsureSuccess("list /run/netns").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private Shell.Output Enter(string[] command, TimeSpan? timeout = null) =>
        Shell.Run("nsenter", ["-t", _holder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "-n", "--", .. command],
            (string?)null, _env, timeout);

    /// <summary>Waits until the holder has become sleep, i.e. its private mount namespace exists.</summary>
    private void WaitForHolder()
    {
        string comm = $"/proc/{_holder.Id}/comm";
        for (int i = 0; i < 500 && !_holder.HasExited; i++)
        {
            if (File.Exists(comm) && File.ReadAllText(comm).Trim() == "sleep")
            {
                return;
            }

            Thread.Sleep(10);
        }

        throw new InvalidOperationException($"the namespace holder did not start: {(_holder.HasExited ? _holder.StandardError.ReadToEnd() : "still not sleep")}");
    }

    public void Dispose()
    {
        if (!_holder.HasExited)
        {
            // Whatever a failed test left: containers first (conmon, crun state), then the namespace's holder.
            Podman("rm", "--all", "--force", "--time", "0");
            _holder.Kill();
            _holder.WaitForExit();
        }

        _holder.Dispose();
        Host.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
