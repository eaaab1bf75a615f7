using CniPlugins.Fs;

namespace CniPlugins.HostLocal.Disk;

/// <summary>
/// Store files that were dropped, kept for reuse. Giving a file its inode is by far the dearest step of an ADD —
/// about 0.5 ms on ext4, against some 10 µs to rename one (scripts/bench-host-local.sh) — so the files a DEL
/// drops are moved here instead of unlinked, and the next ADD moves one back and rewrites it. A rename takes a
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
