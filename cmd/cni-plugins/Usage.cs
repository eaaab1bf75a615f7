using CniPlugins.Skel;

namespace CniPlugins.MultiCall;

/// <summary>What cni-plugins says about itself: --version, --help, and the message for a name it does not know.</summary>
internal static class Usage
{
    /// <summary>One line: the suite's version, then the plugins. <c>install</c> knows its own files by the first word.</summary>
    public static int Version()
    {
        Output.Line($"{Suite.BinaryName} {SuiteVersion.Text} plugins: {string.Join(' ', Suite.Names)}");
        return 0;
    }

    public static int Help()
    {
        Output.Line(HelpText);
        return 0;
    }

    /// <summary>A usage error: the message, the plugins and where the help is, on stderr; exit code 2.</summary>
    public static int Fail(string message)
    {
        Output.Error($"{Suite.BinaryName}: {message}\nplugins: {string.Join(' ', Suite.Names)}; subcommands and usage: {Suite.BinaryName} --help");
        return 2;
    }

    private static string HelpText => $"""
        {Suite.BinaryName} {SuiteVersion.Text}: the CNI plugins in one file.

        Run a plugin (CNI_COMMAND and the config on stdin, as a runtime does):
          <plugin>                    through a link named after the plugin, e.g. /opt/cni/bin/bridge -> cni-plugins
          {Suite.BinaryName} <plugin>        the same without a link

        Plugins: {string.Join(' ', Suite.Names)}

        Subcommands:
          install --dest DIR [--plugins a,b] [--dry-run] [--force]
                                      copy this file to DIR/{Suite.BinaryName} and link DIR/<plugin> to it, each in one
                                      atomic step (a running plugin is never overwritten); --plugins links only those,
                                      --dry-run prints what would change, --force replaces files that are not ours
          install-config --src FILE --dest DIR
                                      check that FILE is a network config or conflist and write it to DIR atomically
          wait                        sleep until SIGTERM or SIGINT, then exit 0
          --version                   the suite's version and plugins
          --help                      this text
        """;
}
