using Microsoft.Win32.SafeHandles;

namespace CniPlugins.Fs;

/// <summary>
/// When a directory's change time (ctime), read by statx, proves that nothing changed its entries since: it does
/// once any later change is certain to give it a different ctime. Userspace cannot set a ctime (unlike mtime);
/// what can hide a change is the clock's grain: with coarse timestamps every change within one timer tick gets the
/// same ctime, so a change in the tick of the recorded ctime leaves it unchanged (git's "racy" index entries).
/// <para>
/// Two ways out, either suffices. Multigrain timestamps (Linux 6.13 and later, on ext4, xfs, btrfs and tmpfs:
/// FS_MGTIME in their file_system_type, see fs/inode.c inode_set_ctime_current): once statx has read the ctime,
/// the next change takes a fine-grained time, strictly later. Elsewhere git's rule: the recorded ctime is
/// trusted only if the coarse clock had already moved a whole grain past it when it was read, so any later change
/// gets a later stamp. A filesystem that takes ctimes from another clock (a network filesystem's server) is
/// trusted by neither: its ctime only ever sends the caller to look.
/// </para>
/// </summary>
public static class ChangeTime
{
    private const long NanosPerSecond = 1_000_000_000L;

    /// <summary>
    /// Whether every change to the directory <paramref name="dir"/> after now will move its ctime away from
    /// <paramref name="ctimeNs"/>, which statx has just returned for it.
    /// </summary>
    public static bool SettledFor(SafeFileHandle dir, long ctimeNs)
    {
        // Local filesystems, stamped from this machine's clock.
        long magic = Interop.FStatFsType(dir, "directory");
        if (magic is not (Interop.EXT4_SUPER_MAGIC or Interop.XFS_SUPER_MAGIC or Interop.BTRFS_SUPER_MAGIC or Interop.TMPFS_MAGIC))
        {
            return false;
        }

        return Settled(ctimeNs, Interop.CoarseRealtimeNs(), multigrain: false) ||
            Settled(ctimeNs, 0, IsMultigrain(dir));
    }

    /// <summary>
    /// The rule itself: with <paramref name="multigrain"/> timestamps of nanosecond grain a read ctime is settled at
    /// once; otherwise when the coarse clock (<paramref name="coarseNowNs"/>, read after the ctime) is a whole grain
    /// past it. The grain is not known, so it is taken from the ctime itself: the largest power of ten that divides
    /// its nanoseconds (a filesystem stamping whole seconds gives a ctime with none, so a grain of one second).
    /// </summary>
    public static bool Settled(long ctimeNs, long coarseNowNs, bool multigrain)
    {
        long grain = Grain(ctimeNs);
        return (multigrain && grain < NanosPerSecond) || coarseNowNs - ctimeNs >= grain;
    }

    /// <summary>The largest power of ten, up to a second, that divides the nanoseconds of <paramref name="timeNs"/>.</summary>
    public static long Grain(long timeNs)
    {
        long nanos = timeNs % NanosPerSecond;
        long grain = 1;
        while (grain < NanosPerSecond && nanos % (grain * 10) == 0)
        {
            grain *= 10;
        }

        return grain;
    }

    /// <summary>Linux 6.13 or later, and the directory's mount is of a type that has multigrain timestamps there.</summary>
    private static bool IsMultigrain(SafeFileHandle dir) =>
        Environment.OSVersion.Version >= new Version(6, 13) &&
        // The types with multigrain timestamps as mounted (ext2 and ext3, served by ext4's driver, have none).
        Interop.TryMountFsType(dir) is "ext4" or "xfs" or "btrfs" or "tmpfs";
}
