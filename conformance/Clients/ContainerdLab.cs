using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CniPlugins.Conformance.HostLocal;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// Debian's containerd 1.6 with runc, and <c>ctr run --cni</c> (which sets up the network itself through go-cni,
/// from /etc/cni/net.d and /opt/cni/bin, with loopback first), in one <see cref="RuntimeNamespace"/>: a conflist
/// directory of ours is bound over /etc/cni/net.d and our bin/ over /opt/cni/bin there (a tmpfs hides /opt), the
/// daemon's root, state and socket are in a temp dir, its CRI plugin is off. The image is an OCI layout written
/// here around the busybox rootfs, imported with <c>ctr images import</c>.
/// </summary>
internal sealed class ContainerdLab : IDisposable
{
    public const string Image = "localhost/cnit-busybox:latest";

    /// <summary>The directory ctr reads conflists from; it must exist on the machine to be bound over.</summary>
    public const string CniConfDir = "/etc/cni/net.d";

    private readonly string _root;
    private readonly RuntimeNamespace _ns;
    private readonly Process _daemon;

    public ContainerdLab(string netName, Func<ContainerdLab, string> conflist)
    {
        Host = new TestNetns("host");
        _root = Directory.CreateTempSubdirectory("cnit-containerd-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "net.d"));
        File.WriteAllText(Path.Combine(_root, "net.d", $"10-{netName}.conflist"), conflist(this));
        File.WriteAllText(Path.Combine(_root, "config.toml"), $$"""
            version = 2
            root = "{{_root}}/root"
            state = "{{_root}}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{{Socket}}"
            """);
        _ns = new RuntimeNamespace(Host);
        _ns.Run(["sh", "-c", "mount -t tmpfs tmpfs /opt && mkdir -p /opt/cni/bin && mount --bind \"$1\" /opt/cni/bin && mount --bind \"$2\" \"$3\"",
            "sh", Paths.OurBin, Path.Combine(_root, "net.d"), CniConfDir]).EnsureSuccess("bind our plugins and conflists");

        // sh execs containerd, so the started pid is the daemon's; its log goes to a file nobody has to drain.
        _daemon = _ns.Start(["sh", "-c", "exec containerd --config \"$1\" >\"$2\" 2>&1", "sh", Path.Combine(_root, "config.toml"), Path.Combine(_root, "containerd.log")]);
        for (int i = 0; i < 3000 && !_daemon.HasExited && Ctr("version").ExitCode != 0; i++)
        {
            Thread.Sleep(20);
        }

        Ctr("images", "import", "--base-name", "localhost/cnit-busybox", OciArchive()).EnsureSuccess("ctr images import");
    }

    public TestNetns Host { get; }

    public string DataDir => Path.Combine(_root, "data");

    public string IndexDir => Path.Combine(_root, "index");

    private string Socket => Path.Combine(_root, "containerd.sock");

    /// <summary>Why containerd cannot run here (a visible skip), or null.</summary>
    public static string? Missing
    {
        get
        {
            var tools = new[] { "containerd", "ctr", "runc", "nsenter", "unshare", "mountpoint", "tar" }.Where(t => !NeedsToolsFactAttribute.OnPath(t)).ToList();
            if (tools.Count > 0)
            {
                return $"needs {string.Join(", ", tools)} on PATH (containerd, runc; scripts/deps.sh installs them)";
            }

            if (!Directory.Exists(CniConfDir))
            {
                return $"needs {CniConfDir} to exist, to bind a conflist directory over it in a private mount namespace";
            }

            return PodmanLab.BusyboxMissing;
        }
    }

    /// <summary>Runs ctr against the lab's daemon, inside its namespaces.</summary>
    public Shell.Output Ctr(params string[] args) => _ns.Run(["ctr", "-a", Socket, .. args], TimeSpan.FromMinutes(2));

    /// <summary>Starts a ctr command without waiting (a foreground <c>ctr run --rm</c>).</summary>
    public Process StartCtr(params string[] args) => _ns.Start(["ctr", "-a", Socket, .. args]);

    /// <summary>What go-cni's libcni cache holds (libcni's default /var/lib/cni, private to the lab).</summary>
    public string[] CachedResults() => _ns.List("/var/lib/cni/results");

    /// <summary>An OCI image layout around the busybox rootfs as one layer, in a tar ctr imports.</summary>
    private string OciArchive()
    {
        string layout = Path.Combine(_root, "oci");
        string blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        (string Digest, long Size) Blob(byte[] data)
        {
            string hex = Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();
            File.WriteAllBytes(Path.Combine(blobs, hex), data);
            return ("sha256:" + hex, data.Length);
        }

        var layer = Blob(File.ReadAllBytes(PodmanLab.BusyboxRootfs(_root)));
        var config = Blob(Encoding.UTF8.GetBytes($$$"""
            {"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["{{{layer.Digest}}}"]}}
            """));
        var manifest = Blob(Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{{layer.Digest}}}","size":{{{layer.Size}}}}]}
            """));
        File.WriteAllText(Path.Combine(layout, "index.json"), $$$"""
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifest.Digest}}}","size":{{{manifest.Size}}},
             "annotations":{"org.opencontainers.image.ref.name":"{{{Image}}}"}}]}
            """);
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        string tar = Path.Combine(_root, "image.tar");
        Shell.Run("tar", ["-C", layout, "-cf", tar, "."]).EnsureSuccess("tar the image layout");
        return tar;
    }

    public void Dispose()
    {
        if (_ns.Alive && !_daemon.HasExited)
        {
            // Whatever a failed test left: tasks and containers first, then the daemon and the namespace.
            foreach (string id in Ctr("tasks", "ls", "--quiet").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Ctr("tasks", "kill", "--signal", "SIGKILL", id);
                Ctr("tasks", "delete", "--force", id);
            }

            foreach (string id in Ctr("containers", "ls", "--quiet").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Ctr("containers", "delete", id);
            }
        }

        if (!_daemon.HasExited)
        {
            _daemon.Kill();
            _daemon.WaitForExit();
        }

        _daemon.Dispose();
        _ns.Dispose();
        Host.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
