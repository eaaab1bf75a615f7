using System.Diagnostics;
using System.Globalization;
using CniPlugins.Conformance.Infrastructure;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// A private mount namespace whose network namespace is a test "host" namespace, for a container runtime to live
/// its whole life in. A holder process (<c>nsenter --net=host unshare --mount sleep</c>) owns it; every command
/// enters it by the holder's pid (<c>nsenter -t pid -m -n</c>), so what the runtime mounts (container namespaces
/// under /run/netns, its state) stays visible from one command to the next. nsenter, not <c>ip netns exec</c>,
/// whose /sys remount hides /sys/fs/cgroup. Inside, tmpfs hide /run, /var/lib and /var/tmp (runtime state and
/// libcni's default cache), and the cgroup2 "unified" mount of a hybrid layout is unmounted, which crun and runc
/// refuse otherwise. The machine's mounts are untouched; killing the holder once the runtime is gone drops it all.
/// </summary>
internal sealed class RuntimeNamespace : IDisposable
{
    private const string MountSetup =
        "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib && mount -t tmpfs tmpfs /var/tmp && " +
        "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi";

    private readonly Process _holder;

    public RuntimeNamespace(TestNetns host, IReadOnlyDictionary<string, string>? env = null)
    {
        Env = env;

        // nsenter and unshare exec without forking, so the started pid is the holder. It ends by itself should
        // the test process die before Dispose.
        _holder = Process.Start(new ProcessStartInfo("nsenter")
        {
            ArgumentList = { "--net=" + host.Path, "--", "unshare", "--mount", "--propagation", "private", "--", "sleep", "900" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string comm = $"/proc/{_holder.Id}/comm";
        for (int i = 0; i < 500 && !_holder.HasExited && !(File.Exists(comm) && File.ReadAllText(comm).Trim() == "sleep"); i++)
        {
            Thread.Sleep(10);
        }

        if (_holder.HasExited)
        {
            throw new InvalidOperationException("the namespace holder did not start: " + _holder.StandardError.ReadToEnd());
        }

        Run(["sh", "-c", MountSetup]).EnsureSuccess("the runtime's private mounts");
    }

    /// <summary>The environment every command gets on top of the test process's.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; }

    public bool Alive => !_holder.HasExited;

    /// <summary>Runs a command inside the namespaces and waits for it.</summary>
    public Shell.Output Run(string[] command, TimeSpan? timeout = null) =>
        Shell.Run("nsenter", EnterArgs(command), (string?)null, Env, timeout);

    /// <summary>Starts a command inside the namespaces without waiting (a daemon, a foreground container).</summary>
    public Process Start(string[] command)
    {
        var psi = new ProcessStartInfo("nsenter")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in EnterArgs(command))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in Env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        return Process.Start(psi)!;
    }

    /// <summary>Lines a shell listing prints inside the namespaces (e.g. the private /var/lib/cni).</summary>
    public string[] List(string dir) =>
        Run(["sh", "-c", "ls \"$1\" 2>/dev/null || true", "sh", dir]).EnsureSuccess("ls " + dir).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string[] EnterArgs(string[] command) =>
        ["-t", _holder.Id.ToString(CultureInfo.InvariantCulture), "-m", "-n", "--", .. command];

    public void Dispose()
    {
        if (!_holder.HasExited)
        {
            _holder.Kill();
            _holder.WaitForExit();
        }

        _holder.Dispose();
    }
}
