using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal const int CLOCK_REALTIME_COARSE = 5;

    [LibraryImport(Libraries.Libc, EntryPoint = "clock_gettime", SetLastError = true)]
    private static unsafe partial int ClockGettimeRaw(int clock, long* ts);

    /// <summary>
    /// The wall clock as of the last timer tick (CLOCK_REALTIME_COARSE), in nanoseconds: the clock the kernel
    /// stamps file times with, unless the filesystem takes a finer one.
    /// </summary>
    internal static unsafe long CoarseRealtimeNs()
    {
        long* ts = stackalloc long[2];
        if (ClockGettimeRaw(CLOCK_REALTIME_COARSE, ts) != 0)
        {
            throw LastError("clock_gettime");
        }

        return (ts[0] * 1_000_000_000L) + ts[1];
    }
}
