using System.Diagnostics;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.MultiCall;

/// <summary>
/// <c>cni-plugins install --dest DIR</c>: the file and its links in place, every name replaced by a rename (a plugin
/// running from DIR keeps its old file), nothing changed twice, nothing touched that is not ours.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallTests : MultiCallBinary
{
    private string Dest => Path.Combine(Scratch, "bin");

    [SkippableFact]
    public void Install_puts_the_file_and_a_relative_link_per_plugin()
    {
        RequireMultiCall();
        var run = Install();
        Assert.Equal(0, run.ExitCode);

        string file = Path.Combine(Dest, "cni-plugins");
        Assert.Null(new FileInfo(file).LinkTarget);
        Assert.Equal(File.ReadAllBytes(Binary), File.ReadAllBytes(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
            UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(file));
        foreach (string p in PluginNames)
        {
            Assert.Equal("cni-plugins", new FileInfo(Path.Combine(Dest, p)).LinkTarget);
            Assert.Contains($"linked {Path.Combine(Dest, p)} -> cni-plugins\n", run.Stdout);
        }

        // No scratch file left behind.
        Assert.Equal(PluginNames.Append("cni-plugins").Order(), Directory.GetFileSystemEntries(Dest).Select(Path.GetFileName).Order());
    }

    [SkippableFact]
    public void A_second_install_changes_nothing()
    {
        RequireMultiCall();
        Install().EnsureSuccess("first install");
        var before = Snapshot(Dest);

        var second = Install();
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(before, Snapshot(Dest));
        Assert.All(second.Stdout.TrimEnd('\n').Split('\n'), line => Assert.StartsWith("unchanged ", line));
    }

    [SkippableFact]
    public void An_upgrade_while_a_plugin_runs_from_the_directory_leaves_it_running_and_puts_the_new_file_in_place()
    {
        RequireMultiCall();
        // The "old release": the same program with one byte more at the end (the ELF loader ignores it).
        string old = Path.Combine(Scratch, "old", "cni-plugins");
        Directory.CreateDirectory(Path.GetDirectoryName(old)!);
        CopyExecutable(Binary, old, oneByteMore: true);
        Run(old, "install", "--dest", Dest).EnsureSuccess("install of the old file");
        ulong oldInode = Inode(Path.Combine(Dest, "cni-plugins"));

        // A runtime's DEL through the link, blocked reading its config from stdin.
        using var plugin = Process.Start(new ProcessStartInfo(Path.Combine(Dest, "loopback"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            Environment = { ["CNI_COMMAND"] = "DEL", ["CNI_CONTAINERID"] = "upgrade", ["CNI_IFNAME"] = "lo", ["CNI_PATH"] = Dest },
        })!;
        try
        {
            WaitUntilRunning(plugin, Path.Combine(Dest, "cni-plugins"));

            var upgrade = Install();
            Assert.Equal(0, upgrade.ExitCode);
            Assert.Contains($"installed {Path.Combine(Dest, "cni-plugins")}\n", upgrade.Stdout);
            Assert.NotEqual(oldInode, Inode(Path.Combine(Dest, "cni-plugins")));
            Assert.Equal(File.ReadAllBytes(Binary), File.ReadAllBytes(Path.Combine(Dest, "cni-plugins")));

            // Still running the old file, which only lost its name, and it finishes its call.
            Assert.False(plugin.HasExited);
            Assert.EndsWith("cni-plugins (deleted)", new FileInfo($"/proc/{plugin.Id}/exe").LinkTarget);
            plugin.StandardInput.Write("""{"cniVersion":"1.0.0","name":"upgrade","type":"loopback"}""");
            plugin.StandardInput.Close();
            Assert.True(plugin.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, plugin.ExitCode);
        }
        finally
        {
            if (!plugin.HasExited)
            {
                plugin.Kill();
            }
        }
    }

    [SkippableFact]
    public void Dry_run_changes_nothing_in_an_empty_place()
    {
        RequireMultiCall();
        var run = Install("--dry-run");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"would install {Path.Combine(Dest, "cni-plugins")}\n", run.Stdout);
        Assert.Contains($"would link {Path.Combine(Dest, "bridge")} -> cni-plugins\n", run.Stdout);
        Assert.False(Directory.Exists(Dest));
    }

    [SkippableFact]
    public void Dry_run_changes_nothing_over_an_older_install()
    {
        RequireMultiCall();
        Directory.CreateDirectory(Dest);
        CopyExecutable(Binary, Path.Combine(Dest, "cni-plugins"), oneByteMore: true);
        File.CreateSymbolicLink(Path.Combine(Dest, "bridge"), "/elsewhere/cni-plugins");
        var before = Snapshot(Dest);

        var run = Install("--dry-run");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("would install ", run.Stdout);
        Assert.Contains($"would link {Path.Combine(Dest, "bridge")} -> cni-plugins\n", run.Stdout);
        Assert.Equal(before, Snapshot(Dest));
    }

    [SkippableFact]
    public void A_file_that_is_not_ours_is_refused_and_nothing_changes()
    {
        RequireMultiCall();
        Directory.CreateDirectory(Dest);
        string foreign = ForeignPlugin("bridge");
        var before = Snapshot(Dest);

        var run = Install();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"refused {foreign}", run.Stderr);
        Assert.Contains("--force", run.Stderr);
        Assert.Equal(before, Snapshot(Dest));
        Assert.False(File.Exists(Path.Combine(Dest, "cni-plugins")));
    }

    [SkippableFact]
    public void An_executable_that_does_not_answer_its_version_is_refused_and_killed_not_waited_for()
    {
        RequireMultiCall();
        Skip.IfNot(File.Exists("/usr/bin/gcc"), "gcc is not installed: no hanging executable can be made");
        Directory.CreateDirectory(Dest);
        string hanging = Path.Combine(Dest, "bridge");
        string source = Path.Combine(Scratch, "hang.c");
        File.WriteAllText(source, "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n");
        Shell.Run("gcc", ["-o", hanging, source]).EnsureSuccess("gcc");
        var before = Snapshot(Dest);

        var run = Install();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"refused {hanging}: not ours (an executable that did not answer --version", run.Stderr);
        Assert.Equal(before, Snapshot(Dest));
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), dir => ExecutableOf(dir) == hanging);
    }

    [SkippableFact]
    public void Force_replaces_a_file_that_is_not_ours()
    {
        RequireMultiCall();
        Directory.CreateDirectory(Dest);
        string foreign = ForeignPlugin("bridge");

        var run = Install("--force");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("cni-plugins", new FileInfo(foreign).LinkTarget);
    }

    [SkippableFact]
    public void Other_files_in_the_directory_are_left_alone()
    {
        RequireMultiCall();
        Directory.CreateDirectory(Dest);
        string tuning = ForeignPlugin("tuning");
        string firewall = Path.Combine(Dest, "firewall");
        File.CreateSymbolicLink(firewall, "/usr/lib/cni/firewall");
        var before = Snapshot(Dest);

        Install().EnsureSuccess("install");
        var after = Snapshot(Dest);
        Assert.Equal(before[tuning], after[tuning]);
        Assert.Equal(before[firewall], after[firewall]);
    }

    [SkippableFact]
    public void Plugins_option_links_only_the_plugins_named()
    {
        RequireMultiCall();
        Install("--plugins", "bridge,host-local").EnsureSuccess("install");
        Assert.Equal(["bridge", "cni-plugins", "host-local"], Directory.GetFileSystemEntries(Dest).Select(Path.GetFileName).Order());
    }

    [SkippableFact]
    public void An_unknown_plugin_name_is_refused_before_anything_changes()
    {
        RequireMultiCall();
        var run = Install("--plugins", "bridge,tuning");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("\"tuning\"", run.Stderr);
        Assert.False(Directory.Exists(Dest));
    }

    private Shell.Output Install(params string[] extra) => Run(Binary, ["install", "--dest", Dest, .. extra]);

    /// <summary>
    /// Another suite's plugin at DIR/<paramref name="name"/>: the reference's binary when installed (it answers
    /// --version with its own name), else a script; its path.
    /// </summary>
    private string ForeignPlugin(string name)
    {
        string path = Path.Combine(Dest, name);
        if (Paths.HasReference(name))
        {
            CopyExecutable(Paths.Reference(name), path);
        }
        else
        {
            File.WriteAllText(path, "#!/bin/sh\necho \"CNI " + name + " plugin v1.1.1\"\n");
            File.SetUnixFileMode(path, File.GetUnixFileMode(Binary));
        }

        return path;
    }

    /// <summary>Every entry of <paramref name="dir"/>: inode, link target or content hash, mode and mtime.</summary>
    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFileSystemEntries(dir).ToDictionary(e => e, e =>
        {
            var info = new FileInfo(e);
            string what = info.LinkTarget is { } target
                ? "-> " + target
                : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(e)));
            return $"{Inode(e)} {what} {info.UnixFileMode} {info.LastWriteTimeUtc.Ticks}";
        });

    /// <summary>The file a process (a /proc/PID directory) executes, or null for another entry or a gone process.</summary>
    private static string? ExecutableOf(string procDir)
    {
        try
        {
            return new FileInfo(Path.Combine(procDir, "exe")).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ulong Inode(string path) =>
        ulong.Parse(Shell.Run("stat", ["-c", "%i", path]).EnsureSuccess("stat").Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits until <paramref name="process"/> executes <paramref name="file"/> (its exec has happened).</summary>
    private static void WaitUntilRunning(Process process, string file)
    {
        for (int i = 0; i < 500 && !process.HasExited; i++)
        {
            if (new FileInfo($"/proc/{process.Id}/exe").LinkTarget == file)
            {
                return;
            }

            Thread.Sleep(10);
        }

        throw new InvalidOperationException($"{file} did not start");
    }
}
