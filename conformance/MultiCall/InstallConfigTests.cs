using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.MultiCall;

/// <summary><c>cni-plugins install-config --src FILE --dest DIR</c>: a checked config, written by a rename.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallConfigTests : MultiCallBinary
{
    private const string Conflist =
        """{"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge","ipam":{"type":"host-local","subnet":"10.88.0.0/16"}},{"type":"portmap","capabilities":{"portMappings":true}}]}""";

    private string Dest => Path.Combine(Scratch, "net.d");

    [SkippableFact]
    public void A_conflist_is_written_under_its_own_name()
    {
        RequireMultiCall();
        string src = Source("10-pods.conflist", Conflist);

        var run = InstallConfig(src);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Conflist, File.ReadAllText(Path.Combine(Dest, "10-pods.conflist")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Combine(Dest, "10-pods.conflist")));
        Assert.Equal(["10-pods.conflist"], Directory.GetFileSystemEntries(Dest).Select(Path.GetFileName));
    }

    [SkippableFact]
    public void A_single_network_config_is_accepted()
    {
        RequireMultiCall();
        string config = """{"cniVersion":"0.4.0","name":"lo","type":"loopback"}""";
        Assert.Equal(0, InstallConfig(Source("99-lo.conf", config)).ExitCode);
        Assert.Equal(config, File.ReadAllText(Path.Combine(Dest, "99-lo.conf")));
    }

    [SkippableFact]
    public void A_new_version_replaces_the_old_file_by_a_rename_not_in_place()
    {
        RequireMultiCall();
        InstallConfig(Source("10-pods.conflist", Conflist)).EnsureSuccess("first install-config");
        string target = Path.Combine(Dest, "10-pods.conflist");
        // A reader holding the old file open keeps the old content: the new file is another inode.
        using var reader = File.OpenRead(target);

        string updated = Conflist.Replace("10.88.0.0/16", "10.89.0.0/16", StringComparison.Ordinal);
        InstallConfig(Source("10-pods.conflist", updated)).EnsureSuccess("second install-config");
        Assert.Equal(updated, File.ReadAllText(target));
        Assert.Equal(Conflist, new StreamReader(reader).ReadToEnd());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "not JSON", """{"cniVersion":"1.0.0","name":"pods","plugins":[""" },
        { "no cniVersion", """{"name":"pods","plugins":[{"type":"bridge"}]}""" },
        { "no name", """{"cniVersion":"1.0.0","plugins":[{"type":"bridge"}]}""" },
        { "neither plugins nor type", """{"cniVersion":"1.0.0","name":"pods"}""" },
        { "an array", """[{"cniVersion":"1.0.0","name":"pods","type":"bridge"}]""" },
    };

    [SkippableTheory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_config_is_refused_and_nothing_is_written(string why, string content)
    {
        RequireMultiCall();
        Directory.CreateDirectory(Dest);
        File.WriteAllText(Path.Combine(Dest, "10-pods.conflist"), Conflist);

        var run = InstallConfig(Source("10-pods.conflist", content));
        Assert.True(run.ExitCode != 0, why);
        Assert.Contains("nothing written", run.Stderr);
        Assert.Equal(Conflist, File.ReadAllText(Path.Combine(Dest, "10-pods.conflist")));
        Assert.Equal(["10-pods.conflist"], Directory.GetFileSystemEntries(Dest).Select(Path.GetFileName));
    }

    private string Source(string name, string content)
    {
        string dir = Path.Combine(Scratch, "src");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private Shell.Output InstallConfig(string src) => Run(Binary, "install-config", "--src", src, "--dest", Dest);
}
