using CniPlugins.Fs;
using Xunit;

namespace CniPlugins.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SmallFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-smallfile-").FullName;

    [Fact]
    public void A_missing_file_reads_as_null()
    {
        Assert.Null(SmallFile.TryRead(Path.Join(_dir, "absent")));
    }

    [Fact]
    public void A_rewrite_creates_0644_and_a_shorter_rewrite_leaves_nothing_of_the_old_content()
    {
        string path = Path.Join(_dir, "f");
        SmallFile.Rewrite(path, "10.1.0.200");
        Assert.Equal("10.1.0.200", SmallFile.TryRead(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(path) & ~UnixFileMode.SetUser);

        SmallFile.Rewrite(path, "10.1.0.3");
        Assert.Equal("10.1.0.3", File.ReadAllText(path));
    }

    [Fact]
    public void Files_larger_than_the_first_read_are_read_whole()
    {
        string path = Path.Join(_dir, "big");
        string text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"10.1.{i / 256}.{i % 256}\n"));
        File.WriteAllText(path, text);
        Assert.Equal(text, SmallFile.TryRead(path));
    }

    [Fact]
    public void A_directory_is_an_error_not_an_absence()
    {
        Assert.ThrowsAny<IOException>(() => SmallFile.TryRead(_dir));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
