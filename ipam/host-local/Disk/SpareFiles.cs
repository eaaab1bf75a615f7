using CniPlugins.Fs;

namespace CniPlugins.HostLocal.Disk;

/// <summary>
/// Store files that were dropped, kept for reuse. Giving a file a new inode is the dearest system call of an ADD —
/// on ext4 here 30-70 µs, and up to 0.5 ms when creations come back to back, against 10-20 µs for a rename
/// (strace -T) — so the files a DEL drops are moved here instead of unlinked, and the next ADD moves one back and
/// rewrites it: 0.05 ms off the median ADD of 1.7 ms and a quarter off its 99th percentile. A rename takes a
/// name out of, or puts it into, the network directory atomically, just as unlink and link do, so what the
/// reference sees there is unchanged. Kept in the index directory: same filesystem, outside the reference's
/// walks. At most <see cref="Slots"/> files; past that, or where the filesystem refuses, files are unlinked as
/// before. Guarded by the network's lock.
/// </summary>
internal sealed class SpareFiles(string dir)
{
    private const int Slots = 8;
    private const string Prefix = "spare.";

    /// <summary>Takes <paramref name="path"/> out of the store, keeping its inode if a slot is free.</summary>
    public void Drop(string path)
    {
        for (int slot = 0; slot < Slots; slot++)
        {
            var moved = FileNames.TryMove(path, SlotPath(slot));
            if (moved == MoveResult.Moved)
            {
                return;
            }

            if (moved != MoveResult.Taken)
            {
                break;
            }
        }

        File.Delete(path);
    }

    /// <summary>Gives a kept file the free name <paramref name="path"/>; false when none is kept.</summary>
    public bool TryTake(string path)
    {
        for (int slot = 0; slot < Slots; slot++)
        {
            switch (FileNames.TryMove(SlotPath(slot), path))
            {
                case MoveResult.Moved:
                    return true;
                case MoveResult.Missing:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private string SlotPath(int slot) => Path.Join(dir, Prefix + (char)('0' + slot));
}
