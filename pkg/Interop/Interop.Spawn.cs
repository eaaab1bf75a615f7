using System.Runtime.InteropServices;

internal static partial class Interop
{
    // glibc's posix_spawn_file_actions_t is 80 bytes on 64-bit; a larger opaque buffer is safe.
    internal const int PosixSpawnFileActionsSize = 256;
    internal const int PosixSpawnAttrSize = 512;
    private const short POSIX_SPAWN_SETSIGDEF = 0x04;
    private const int SIGPIPE = 13;
    private const int SigSetSize = 128;
    private static int s_sigPipeIgnored;

    [LibraryImport(Libraries.Libc, EntryPoint = "pipe2", SetLastError = true)]
    internal static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_init")]
    internal static unsafe partial int PosixSpawnFileActionsInit(byte* actions);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static unsafe partial int PosixSpawnFileActionsAddDup2(byte* actions, int fd, int newfd);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int PosixSpawnFileActionsAddOpen(byte* actions, int fd, string path, int flags, int mode);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static unsafe partial int PosixSpawnFileActionsDestroy(byte* actions);

    /// <summary>posix_spawn(3): glibc creates the child with CLONE_VM|CLONE_VFORK, no copy of the parent's memory map.</summary>
    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn")]
    internal static unsafe partial int PosixSpawn(out int pid, byte* path, byte* actions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libraries.Libc, EntryPoint = "waitpid", SetLastError = true)]
    internal static unsafe partial int WaitPid(int pid, int* status, int options);

    internal const int SIGKILL = 9;

    [LibraryImport(Libraries.Libc, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_init")]
    private static unsafe partial int PosixSpawnAttrInit(byte* attr);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_setflags")]
    private static unsafe partial int PosixSpawnAttrSetFlags(byte* attr, short flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    private static unsafe partial int PosixSpawnAttrSetSigDefault(byte* attr, byte* sigset);

    [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_destroy")]
    internal static unsafe partial int PosixSpawnAttrDestroy(byte* attr);

    [LibraryImport(Libraries.Libc, EntryPoint = "sigemptyset")]
    private static unsafe partial int SigEmptySet(byte* set);

    [LibraryImport(Libraries.Libc, EntryPoint = "sigaddset")]
    private static unsafe partial int SigAddSet(byte* set, int signo);

    [LibraryImport(Libraries.Libc, EntryPoint = "signal")]
    private static partial nint Signal(int signo, nint handler);

    /// <summary>Spawn attributes that give the child the default SIGPIPE action whatever ours is.</summary>
    internal static unsafe void PosixSpawnAttrDefaultSigPipe(byte* attr)
    {
        byte* set = stackalloc byte[SigSetSize];
        PosixSpawnAttrInit(attr);
        SigEmptySet(set);
        SigAddSet(set, SIGPIPE);
        PosixSpawnAttrSetSigDefault(attr, set);
        PosixSpawnAttrSetFlags(attr, POSIX_SPAWN_SETSIGDEF);
    }

    /// <summary>A child that exits without reading its stdin must give us EPIPE, not kill us with SIGPIPE.</summary>
    internal static void IgnoreSigPipe()
    {
        if (Interlocked.Exchange(ref s_sigPipeIgnored, 1) == 0)
        {
            Signal(SIGPIPE, 1 /* SIG_IGN */);
        }
    }
}
