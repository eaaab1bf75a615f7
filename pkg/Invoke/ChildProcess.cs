using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using CniPlugins.Fs;

namespace CniPlugins.Invoke;

/// <summary>
/// Runs a program to completion with posix_spawn: bytes in on stdin, stdout captured, stderr shared with ours
/// (or captured with stdout on request).
/// System.Diagnostics.Process would install SIGCHLD handling and a signal thread and fork the whole address space,
/// a few milliseconds a call that every ADD and DEL pays when delegating to IPAM or applying firewall rules.
/// </summary>
public static class ChildProcess
{
    public readonly record struct Outcome(int ExitCode, byte[] Stdout);

    /// <param name="path">Absolute path of the program.</param>
    /// <param name="args">Arguments after argv[0].</param>
    /// <param name="stdin">Written to the child's stdin, which is then closed.</param>
    /// <param name="environment">Overrides of the inherited environment (null removes a variable).</param>
    /// <param name="quiet">Send the child's stderr to /dev/null: for probes whose failure is an expected answer.</param>
    /// <param name="stderrToStdout">Capture the child's stderr with its stdout: for tools whose complaints belong in our error.</param>
    /// <param name="timeout">
    /// How long the child may take to close its stdout; then it is killed and <see cref="TimeoutException"/> thrown.
    /// Only for programs that are not trusted to answer (a file of unknown origin); null waits as long as it takes.
    /// </param>
    public static unsafe Outcome Run(string path, IReadOnlyList<string> args, ReadOnlySpan<byte> stdin,
        IReadOnlyDictionary<string, string?>? environment = null, bool quiet = false, bool stderrToStdout = false,
        TimeSpan? timeout = null)
    {
        var argv = new List<string>(args.Count + 1) { path };
        argv.AddRange(args);
        using var argvBlock = new CStringArray(argv);
        using var envBlock = new CStringArray(BuildEnvironment(environment));
        byte[] pathBytes = Encoding.UTF8.GetBytes(path + "\0");

        int* inPipe = stackalloc int[2];
        int* outPipe = stackalloc int[2];
        if (Interop.Pipe2(inPipe, Interop.O_CLOEXEC) != 0)
        {
            throw Interop.LastError("pipe2");
        }

        if (Interop.Pipe2(outPipe, Interop.O_CLOEXEC) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Interop.Close(inPipe[0]);
            Interop.Close(inPipe[1]);
            throw new SystemCallException("pipe2", errno);
        }

        Interop.IgnoreSigPipe();
        byte* actions = stackalloc byte[Interop.PosixSpawnFileActionsSize];
        byte* attr = stackalloc byte[Interop.PosixSpawnAttrSize];
        Interop.PosixSpawnFileActionsInit(actions);
        Interop.PosixSpawnAttrDefaultSigPipe(attr);
        int pid;
        int spawnError;
        try
        {
            // dup2 clears close-on-exec on the new descriptors; the pipe ends themselves close at exec.
            Interop.PosixSpawnFileActionsAddDup2(actions, inPipe[0], 0);
            Interop.PosixSpawnFileActionsAddDup2(actions, outPipe[1], 1);
            if (quiet)
            {
                Interop.PosixSpawnFileActionsAddOpen(actions, 2, "/dev/null", Interop.O_RDWR, 0);
            }
            else if (stderrToStdout)
            {
                Interop.PosixSpawnFileActionsAddDup2(actions, outPipe[1], 2);
            }
            fixed (byte* p = pathBytes)
            {
                spawnError = Interop.PosixSpawn(out pid, p, actions, attr, argvBlock.Pointer, envBlock.Pointer);
            }
        }
        finally
        {
            Interop.PosixSpawnFileActionsDestroy(actions);
            Interop.PosixSpawnAttrDestroy(attr);
            Interop.Close(inPipe[0]);
            Interop.Close(outPipe[1]);
        }

        if (spawnError != 0)
        {
            Interop.Close(inPipe[1]);
            Interop.Close(outPipe[0]);
            throw new SystemCallException("posix_spawn", spawnError, path);
        }

        byte[] output;
        using (var toChild = new FdStream(inPipe[1], ownsFd: true))
        using (var fromChild = new FdStream(outPipe[0], ownsFd: true))
        {
            try
            {
                toChild.Write(stdin);
            }
            catch (SystemCallException e) when (e.Errno == Interop.Errno.EPIPE) // it exited without reading
            {
            }

            toChild.Dispose();
            using var buffer = new MemoryStream();
            if (timeout is null)
            {
                fromChild.CopyTo(buffer);
            }
            else if (!CopyUntil(outPipe[0], buffer, Environment.TickCount64 + (long)timeout.Value.TotalMilliseconds))
            {
                Interop.Kill(pid, Interop.SIGKILL);
                Wait(pid);
                throw new TimeoutException($"{path} did not finish within {timeout.Value.TotalSeconds:0.#} s and was killed");
            }

            output = buffer.ToArray();
        }

        return new Outcome(Wait(pid), output);
    }

    /// <summary>Reads <paramref name="fd"/> to its end unless the deadline (a TickCount64) passes first.</summary>
    private static unsafe bool CopyUntil(int fd, MemoryStream buffer, long deadline)
    {
        byte* chunk = stackalloc byte[4096];
        var poll = new Interop.PollFd { Fd = fd, Events = Interop.POLLIN };
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return false;
            }

            int ready = Interop.Poll(&poll, 1, (int)Math.Min(left, int.MaxValue));
            if (ready < 0 && Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
            {
                throw Interop.LastError("poll");
            }

            if (ready <= 0)
            {
                continue;
            }

            nint n = Interop.Read(fd, chunk, 4096);
            if (n == 0)
            {
                return true;
            }

            if (n < 0 && Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
            {
                throw Interop.LastError("read");
            }

            if (n > 0)
            {
                buffer.Write(new ReadOnlySpan<byte>(chunk, (int)n));
            }
        }
    }

    /// <summary>
    /// The absolute path of a system tool (iptables-restore, nft...): PATH first, then the sbin directories a
    /// runtime's minimal PATH may leave out.
    /// </summary>
    public static string FindProgram(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"\"{name}\" not found in PATH or the sbin directories", name);
    }

    private static unsafe int Wait(int pid)
    {
        int status;
        while (Interop.WaitPid(pid, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
            {
                throw Interop.LastError("waitpid");
            }
        }

        // WIFEXITED ? WEXITSTATUS : 128 + signal, as a shell reports it.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
    }

    private static List<string> BuildEnvironment(IReadOnlyDictionary<string, string?>? overrides)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? "";
        }

        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                env.Remove(k);
            }
            else
            {
                env[k] = v;
            }
        }

        return env.Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    /// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings in unmanaged memory (argv, envp).</summary>
    private sealed unsafe class CStringArray : IDisposable
    {
        private readonly nint[] _strings;

        public CStringArray(List<string> values)
        {
            _strings = new nint[values.Count];
            Pointer = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(nint));
            for (int i = 0; i < values.Count; i++)
            {
                _strings[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
                Pointer[i] = (byte*)_strings[i];
            }

            Pointer[values.Count] = null;
        }

        public byte** Pointer { get; }

        public void Dispose()
        {
            foreach (nint s in _strings)
            {
                Marshal.FreeCoTaskMem(s);
            }

            NativeMemory.Free(Pointer);
        }
    }
}
