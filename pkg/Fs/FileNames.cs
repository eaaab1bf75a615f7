namespace CniPlugins.Fs;

/// <summary>Operations on the names of a file (hard links, no-replace renames, link counts), which .NET has no API for.</summary>
public static class FileNames
{
    /// <summary>
    /// Gives <paramref name="existing"/> the additional name <paramref name="newPath"/>; false if that name is
    /// taken. Unlike O_CREAT|O_EXCL followed by a write, the new name appears with its full content or not at all.
    /// </summary>
    public static bool TryLink(string existing, string newPath) => Interop.Link(existing, newPath);

    /// <summary>Renames <paramref name="oldPath"/> to <paramref name="newPath"/> if that name is free, atomically.</summary>
    public static MoveResult TryMove(string oldPath, string newPath) => Interop.RenameNoReplace(oldPath, newPath) switch
    {
        0 => MoveResult.Moved,
        Interop.Errno.EEXIST => MoveResult.Taken,
        Interop.Errno.ENOENT => MoveResult.Missing,
        _ => MoveResult.Refused,
    };

    /// <summary>How many names the file has (a symlink itself is counted, not its target); 0 when it does not exist.</summary>
    public static int LinkCount(string path) => Interop.LinkCount(path);
}

/// <summary>The outcome of <see cref="FileNames.TryMove"/>.</summary>
public enum MoveResult
{
    Moved,

    /// <summary>The new name exists; nothing moved.</summary>
    Taken,

    /// <summary>The old name, or the new name's directory, does not exist.</summary>
    Missing,

    /// <summary>Any other failure: across filesystems, no no-replace rename on this filesystem, permissions.</summary>
    Refused,
}
