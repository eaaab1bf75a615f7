using CniPlugins.Fs;
using Xunit;

namespace CniPlugins.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AtomicReplaceTests : IDisposable
{
    private const UnixFileMode Mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-atomic-").FullName;

    [Fact]
    public void A_file_is_replaced_by_another_inode_and_an_open_reader_keeps_the_old_content()
    {
        string path = Path.Join(_dir, "f");
        File.WriteAllText(path, "old");
        using var reader = File.OpenRead(path);

        AtomicReplace.WriteFile(_dir, "f", "new"u8, Mode0755);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal("old", new StreamReader(reader).ReadToEnd());
        Assert.Equal(["f"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void The_mode_is_exact_whatever_the_umask()
    {
        AtomicReplace.WriteFile(_dir, "f", "x"u8, Mode0755 | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        Assert.Equal(Mode0755 | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite, File.GetUnixFileMode(Path.Join(_dir, "f")));
    }

    [Fact]
    public void A_link_at_the_name_is_replaced_and_its_target_left_alone()
    {
        string target = Path.Join(_dir, "target");
        File.WriteAllText(target, "target");
        File.CreateSymbolicLink(Path.Join(_dir, "f"), target);

        AtomicReplace.WriteFile(_dir, "f", "new"u8, Mode0755);

        Assert.Null(new FileInfo(Path.Join(_dir, "f")).LinkTarget);
        Assert.Equal("target", File.ReadAllText(target));
    }

    [Fact]
    public void A_symlink_replaces_a_file_and_leaves_no_scratch_name()
    {
        File.WriteAllText(Path.Join(_dir, "bridge"), "a binary");

        AtomicReplace.Symlink(_dir, "bridge", "cni-plugins");

        Assert.Equal("cni-plugins", new FileInfo(Path.Join(_dir, "bridge")).LinkTarget);
        Assert.Equal(["bridge"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_rename_leaves_no_scratch_name()
    {
        Directory.CreateDirectory(Path.Join(_dir, "taken", "inside"));

        Assert.ThrowsAny<IOException>(() => AtomicReplace.WriteFile(_dir, "taken", "x"u8, Mode0755));
        Assert.Equal(["taken"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
