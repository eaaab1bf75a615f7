using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.MultiCall;

/// <summary>
/// Which plugin the multi-call file runs: the one named by the file name it was started as (a link), else by its
/// first argument; any other name fails loudly. That each plugin then behaves as its own binary is what the rest of
/// the conformance suite checks, through bin/'s links.
/// </summary>
public sealed class DispatchTests : MultiCallBinary
{
    private const string VersionJson =
        """{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""" + "\n";

    public static TheoryData<string> Plugins => new(PluginNames);

    [SkippableTheory]
    [MemberData(nameof(Plugins))]
    public void A_link_named_after_a_plugin_runs_that_plugin(string plugin)
    {
        RequireMultiCall();
        string link = Path.Combine(Scratch, plugin);
        File.CreateSymbolicLink(link, Binary);

        var about = Run(link, "--version");
        Assert.Equal(0, about.ExitCode);
        Assert.StartsWith($"CNI {plugin} plugin v", about.Stdout);

        var version = Shell.Run(link, [], stdin: "", env: new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" });
        Assert.Equal(0, version.ExitCode);
        Assert.Equal(VersionJson, version.Stdout);
    }

    [SkippableTheory]
    [MemberData(nameof(Plugins))]
    public void The_first_argument_names_the_plugin_and_the_rest_are_its_own(string plugin)
    {
        RequireMultiCall();
        var about = Run(Binary, plugin, "--version");
        Assert.Equal(0, about.ExitCode);
        Assert.StartsWith($"CNI {plugin} plugin v", about.Stdout);
    }

    [SkippableFact]
    public void Version_names_the_suite_and_every_plugin_on_one_line()
    {
        RequireMultiCall();
        var v = Run(Binary, "--version");
        Assert.Equal(0, v.ExitCode);
        Assert.Matches(@"^cni-plugins v[0-9]+\.[0-9]+\.[0-9]+\S* plugins: bridge host-local loopback macvlan portmap vxlan\n$", v.Stdout);
    }

    [SkippableFact]
    public void Help_lists_the_plugins_and_the_subcommands()
    {
        RequireMultiCall();
        var help = Run(Binary, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.All(PluginNames, p => Assert.Contains(p, help.Stdout));
        Assert.All(["install --dest DIR", "install-config --src FILE --dest DIR", "wait"], s => Assert.Contains(s, help.Stdout));
    }

    [SkippableFact]
    public void A_link_under_a_name_it_does_not_hold_fails_and_says_so()
    {
        RequireMultiCall();
        string link = Path.Combine(Scratch, "tuning");
        File.CreateSymbolicLink(link, Binary);

        var run = Shell.Run(link, [], stdin: "{}", env: new Dictionary<string, string> { ["CNI_COMMAND"] = "ADD" });
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("no plugin named \"tuning\"", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [SkippableFact]
    public void An_unknown_first_argument_fails_and_says_so()
    {
        RequireMultiCall();
        var run = Run(Binary, "firewall");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("\"firewall\"", run.Stderr);
    }

    [SkippableFact]
    public void Bin_holds_the_plugins_as_links_to_the_one_file()
    {
        RequireMultiCall();
        Assert.All(PluginNames, p => Assert.Equal("cni-plugins", new FileInfo(Paths.Ours(p)).LinkTarget));
    }
}
