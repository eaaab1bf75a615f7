namespace CniPlugins.MultiCall;

/// <summary>
/// Picks what to run: the plugin named by the file name the process was started as (a link such as
/// /opt/cni/bin/bridge), else the plugin or subcommand named by the first argument. A plugin then sees exactly the
/// arguments its own executable would.
/// </summary>
internal static class Dispatch
{
    public static int Run(string argv0, string[] args)
    {
        string invokedAs = Path.GetFileName(argv0);
        if (Suite.Run(invokedAs, args) is { } exitCode)
        {
            return exitCode;
        }

        if (args.Length == 0)
        {
            // A link to this file under a name it does not hold (a runtime asking for "tuning") must fail loudly.
            return invokedAs == Suite.BinaryName ? Usage.Fail("no plugin or subcommand given") : Usage.Fail($"no plugin named \"{invokedAs}\"");
        }

        if (Suite.Run(args[0], args[1..]) is { } pluginExitCode)
        {
            return pluginExitCode;
        }

        string[] rest = args[1..];
        return args[0] switch
        {
            "install" => Guarded("install", () => InstallCommand.Run(rest)),
            "install-config" => Guarded("install-config", () => InstallConfigCommand.Run(rest)),
            "wait" => WaitCommand.Run(rest),
            "--version" or "version" => Usage.Version(),
            "--help" or "-h" or "help" => Usage.Help(),
            _ => Usage.Fail($"no plugin or subcommand named \"{args[0]}\""),
        };
    }

    /// <summary>Runs a subcommand that works on files: a file system error is its message and exit code 1, not a crash.</summary>
    private static int Guarded(string name, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Output.Error($"{Suite.BinaryName} {name}: {e.Message}");
            return 1;
        }
    }
}
