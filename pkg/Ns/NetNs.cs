using System.Runtime.ExceptionServices;
using CniPlugins.Types;
using Microsoft.Win32.SafeHandles;

namespace CniPlugins.Ns;

/// <summary>
/// An open network namespace. Code runs inside it only through <see cref="Run{T}"/>, on a dedicated OS thread
/// that is switched, used and then ends: no pool thread and never the main thread is ever moved, so nothing else
/// can inherit the namespace. Inside Run: synchronous code only (no Task, await, timers or Process.Start, which
/// would make threads or children born inside the namespace).
/// </summary>
public sealed class NetNs : IDisposable
{
    /// <summary>The calling thread's namespace; /proc/self/ns/net would be the main thread's.</summary>
    private const string CurrentPath = "/proc/thread-self/ns/net";

    private NetNs(SafeFileHandle handle, string path)
    {
        Handle = handle;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The namespace file descriptor, e.g. for IFLA_NET_NS_FD.</summary>
    public SafeFileHandle Handle { get; }

    public int Fd => (int)Handle.DangerousGetHandle();

    /// <summary>Opens a namespace by path and checks it really is one (nsfs or a /proc entry).</summary>
    /// <exception cref="NetNsNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="CniException">Something other than a network namespace is there (code 8).</exception>
    public static NetNs Open(string path)
    {
        // The type is checked on the path before anything is opened, as the reference does: open(2) on a FIFO
        // blocks until a writer comes, and on a device it may act on the device.
        long magic;
        try
        {
            magic = Interop.StatFsType(path);
        }
        catch (SystemCallException e) when (e.Errno == Interop.Errno.ENOENT)
        {
            throw new NetNsNotFoundException(path);
        }

        RequireNamespaceMagic(path, magic);
        SafeFileHandle handle;
        try
        {
            // Non-blocking and no controlling terminal, should the path be swapped for something else in between.
            handle = Interop.Open(path, Interop.O_RDONLY | Interop.O_NONBLOCK | Interop.O_NOCTTY);
        }
        catch (SystemCallException e) when (e.Errno == Interop.Errno.ENOENT)
        {
            throw new NetNsNotFoundException(path);
        }

        try
        {
            RequireNamespaceMagic(path, Interop.FStatFsType(handle, path));
            return new NetNs(handle, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void RequireNamespaceMagic(string path, long magic)
    {
        if (magic != Interop.NSFS_MAGIC && magic != Interop.PROC_SUPER_MAGIC)
        {
            throw new CniException(ErrorCode.InvalidNetNs, $"failed to open netns \"{path}\": not a network namespace",
                $"unknown FS magic on \"{path}\": {magic:x}; CNI_NETNS must name a network namespace, such as /run/netns/NAME or /proc/PID/ns/net");
        }
    }

    /// <summary>
    /// Opens a namespace for a verb that must succeed when it is gone (DEL): null when the path is empty or
    /// nothing exists there any more.
    /// </summary>
    public static NetNs? TryOpen(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        try
        {
            return Open(path);
        }
        catch (NetNsNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The namespace the calling thread is in: the host side of an attachment, where netlink sockets opened on the
    /// same thread act too. For a plugin process that is its own namespace; code run on a thread moved into another
    /// namespace (a test's sandbox) gets that one, never the main thread's.
    /// </summary>
    public static NetNs OpenCurrent() => Open(CurrentPath);

    /// <summary>
    /// True when <paramref name="path"/> names the namespace the plugin runs in. A path that cannot be opened is
    /// not the plugin's (DEL must still work when the namespace is gone).
    /// </summary>
    public static bool IsPluginOwnNamespace(string path) =>
        // Compared by device and inode without opening anything: every ADD and DEL pays for this check, and a
        // path that is not a namespace (or gone) must cost no exception.
        Interop.TryStatId(path, out var target) && Interop.TryStatId(CurrentPath, out var own) && target == own;

    /// <summary>
    /// Runs <paramref name="body"/> inside this namespace on a fresh OS thread and returns its result; the body's
    /// exception is rethrown on the caller's thread with its stack.
    /// </summary>
    public T Run<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            // The thread is ours alone. If switching back fails it simply ends, still inside the namespace,
            // and nothing else ever runs on it.
            try
            {
                using var original = Open(CurrentPath);
                Interop.Setns(Handle, Path);
                try
                {
                    result = body();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }

                Interop.Setns(original.Handle, original.Path);
            }
            catch (Exception e)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 256 * 1024);
        thread.IsBackground = true;
        thread.UnsafeStart();
        thread.Join();
        failure?.Throw();
        return result;
    }

    public void Run(Action body) => Run(() =>
    {
        body();
        return true;
    });

    public void Dispose() => Handle.Dispose();
}
