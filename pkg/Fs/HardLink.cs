namespace CniPlugins.Fs;

/// <summary>Hard links, which .NET has no API for.</summary>
public static class HardLink
{
    /// <summary>
    /// Gives <paramref name="existing"/> the additional name <paramref name="newPath"/>; false if that name is
    /// taken. Unlike O_CREAT|O_EXCL followed by a write, the new name appears with its full content or not at all.
    /// </summary>
    public static bool TryCreate(string existing, string newPath) => Interop.Link(existing, newPath);
}
