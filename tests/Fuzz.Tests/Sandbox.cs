using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Runs the fuzz loop on a dedicated OS thread that first leaves the machine's namespaces: unshare(2) gives the
/// thread its own network namespace (so no netlink socket, firewall tool or link it could ever make touches the
/// machine) and its own mount namespace, where every mount is made read-only and tmpfs is laid over /tmp, /run and
/// /var/lib/cni (so whatever dataDir a mutated config names, a write either lands in a tmpfs that vanishes with the
/// thread or fails with EROFS). Threads and children it starts inherit both. The thread ends with the loop and its
/// namespaces with it; no pool thread and never the test's own thread is moved.
/// </summary>
internal static partial class Sandbox
{
    private const int CLONE_NEWNS = 0x00020000;
    private const int CLONE_NEWNET = 0x40000000;
    private const ulong MS_REC = 0x4000;
    private const ulong MS_PRIVATE = 0x40000;
    private const int AT_FDCWD = -100;
    private const uint AT_RECURSIVE = 0x8000;
    private const ulong MOUNT_ATTR_RDONLY = 0x1;
    private const long SYS_mount_setattr = 442; // x86_64 and arm64 alike (the generic syscall table)

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string? source, string target, string? fsType, ulong flags, IntPtr data);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial long MountSetattr(long number, int dirfd, string path, uint flags, MountAttr* attr, nuint size);

    /// <summary>Runs <paramref name="body"/> inside the sandbox and rethrows its exception here.</summary>
    public static T Run<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        LoadReferencedAssemblies();
        var thread = new Thread(() =>
        {
            try
            {
                Enter();
                result = body();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 16 * 1024 * 1024);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>
    /// Loads every assembly the tests reach before the tmpfs hides them: a checkout (and so the test's own output
    /// directory) may live under /tmp, and an assembly first needed inside the sandbox could not be found there.
    /// </summary>
    private static void LoadReferencedAssemblies()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<System.Reflection.Assembly>([typeof(Sandbox).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (seen.Add(name.FullName))
                {
                    pending.Push(System.Reflection.Assembly.Load(name));
                }
            }
        }
    }

    private static unsafe void Enter()
    {
        Check(Unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare");
        // Nothing mounted here may propagate back to the machine.
        Check(Mount(null, "/", null, MS_REC | MS_PRIVATE, 0), "make / private");
        var attr = new MountAttr { AttrSet = MOUNT_ATTR_RDONLY };
        Check((int)MountSetattr(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attr, (nuint)sizeof(MountAttr)), "mount_setattr read-only");
        foreach (string dir in new[] { "/tmp", "/run", "/var/lib/cni" })
        {
            if (Directory.Exists(dir))
            {
                Check(Mount("tmpfs", dir, "tmpfs", 0, 0), "tmpfs on " + dir);
            }
        }

        // Proof that the thread is somewhere else: a fresh network namespace has lo alone.
        if (!VisibleLinks().SequenceEqual(["lo"]))
        {
            throw new InvalidOperationException("the sandbox thread still sees the machine's links: " + string.Join(",", VisibleLinks()));
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"{what} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Names of the links the calling thread sees (/proc/thread-self/net/dev).</summary>
    public static string[] VisibleLinks() =>
        File.ReadAllLines("/proc/thread-self/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Order(StringComparer.Ordinal).ToArray();
}
