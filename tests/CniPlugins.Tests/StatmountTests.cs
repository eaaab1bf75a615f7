using System.Globalization;
using CniPlugins.Fs;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// The statmount(2) numbers in <see cref="Interop"/> (newer than the headers on some hosts) against the running
/// kernel: the type it reports for a mount is the one /proc/self/mountinfo lists for the same mount.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatmountTests
{
    [SkippableTheory]
    [InlineData("/tmp")]
    [InlineData("/proc")]
    [InlineData("/sys")]
    [InlineData("/dev")]
    public void The_mount_type_is_the_one_mountinfo_lists(string path)
    {
        using var dir = StoreDirectory.Open(path);
        SafeFileHandle fd = dir.Handle;
        string? type = Interop.TryMountFsType(fd);
        Skip.If(type is null && Environment.OSVersion.Version < new Version(6, 8), "statmount(2) needs Linux 6.8");

        string mountId = File.ReadLines($"/proc/self/fdinfo/{fd.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture)}")
            .Single(l => l.StartsWith("mnt_id:", StringComparison.Ordinal))["mnt_id:".Length..].Trim();
        string line = File.ReadLines("/proc/self/mountinfo").Single(l => l.Split(' ')[0] == mountId);
        string listed = line[(line.IndexOf(" - ", StringComparison.Ordinal) + 3)..].Split(' ')[0];
        Assert.Equal(listed, type);
    }
}
