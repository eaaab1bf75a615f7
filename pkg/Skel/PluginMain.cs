using CniPlugins.Ns;
using CniPlugins.Types;

namespace CniPlugins.Skel;

/// <summary>
/// The plugin skeleton: reads CNI_* and stdin, validates them in the reference's order with the reference's error
/// codes, gates verbs by spec version, protects the plugin's own namespace, dispatches, and prints the result or
/// the error. A plugin's Main is one call to <see cref="Run"/>.
/// </summary>
public static class PluginMain
{
    private static readonly string[] s_envOrder =
        ["CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"];

    public static int Run(string pluginName, CniCommands commands, string[] argv, IPluginHost? host = null)
    {
        host ??= ProcessHost.Instance;
        string command = host.GetEnvironmentVariable("CNI_COMMAND") ?? "";
        if (argv is ["--version"] || argv is ["version"])
        {
            WriteText(host.OpenStandardOutput(), PluginOutput.AboutText(pluginName));
            return 0;
        }

        if (command.Length == 0)
        {
            // The reference prints its about text when run by hand, without CNI_COMMAND.
            WriteText(host.OpenStandardError(), PluginOutput.AboutText(pluginName));
            return 0;
        }

        using var stdout = host.OpenStandardOutput();
        try
        {
            Dispatch(command, commands, host, stdout);
            return 0;
        }
        catch (Exception e)
        {
            if (host.GetEnvironmentVariable("CNI_PLUGINS_DEBUG") == "1")
            {
                WriteText(host.OpenStandardError(), ExceptionChain.Describe(e));
            }

            PluginOutput.WriteError(stdout, e as CniException ?? new CniException(ErrorCode.Internal, e.Message, inner: e));
        }

        return 1;
    }

    private static void Dispatch(string command, CniCommands commands, IPluginHost host, Stream stdout)
    {
        if (command == "VERSION")
        {
            // The reference ignores stdin for VERSION and always answers with its newest version.
            PluginOutput.WriteVersion(stdout);
            return;
        }

        string[]? required = RequiredEnv(command)
            ?? throw new CniException(ErrorCode.InvalidEnvironmentVariables, $"unknown CNI_COMMAND: {command}");
        string Env(string name) => host.GetEnvironmentVariable(name) ?? "";
        var missing = s_envOrder.Where(v => required.Contains(v) && Env(v).Length == 0).ToList();
        if (missing.Count > 0)
        {
            throw new CniException(ErrorCode.InvalidEnvironmentVariables,
                $"required env variables [{string.Join(",", missing)}] missing");
        }

        byte[] stdin = ReadAll(host);
        var header = ConfigHeader.Read(stdin);
        Validation.ValidateNetworkName(header.Name);
        bool perAttachment = command is "ADD" or "DEL" or "CHECK";
        if (perAttachment)
        {
            Validation.ValidateContainerId(Env("CNI_CONTAINERID"));
            Validation.ValidateInterfaceName(Env("CNI_IFNAME"));
        }

        string version = string.IsNullOrEmpty(header.CniVersion) ? CniVersion.Default : header.CniVersion;
        CheckVersion(command, version);

        var args = new CmdArgs
        {
            Command = command,
            ContainerId = Env("CNI_CONTAINERID"),
            Netns = Env("CNI_NETNS"),
            IfName = Env("CNI_IFNAME"),
            Args = Env("CNI_ARGS"),
            Path = Env("CNI_PATH"),
            StdinData = stdin,
            CniVersion = version,
            NetworkName = header.Name,
        };

        if (perAttachment && !IsNetnsOverride(Env("CNI_NETNS_OVERRIDE")) && args.Netns.Length > 0 &&
            NetNs.IsPluginOwnNamespace(args.Netns))
        {
            // A stale /proc/<pid>/ns/net can resolve to the host's namespace; refuse before touching anything.
            throw new CniException(ErrorCode.InvalidNetNs, "plugin's netns and netns from CNI_NETNS should not be the same");
        }

        switch (command)
        {
            case "ADD":
                if (commands.Add is { } add)
                {
                    var result = add(args);
                    stdout.Write(ResultJson.Serialize(result, version));
                    stdout.Flush();
                }

                break;
            case "DEL":
                commands.Del?.Invoke(args);
                break;
            case "CHECK":
                commands.Check?.Invoke(args);
                break;
            case "GC":
                commands.Gc?.Invoke(args);
                break;
            case "STATUS":
                commands.Status?.Invoke(args);
                break;
        }
    }

    /// <summary>The variables each verb needs (the reference skeleton's table); null for an unknown verb.</summary>
    private static string[]? RequiredEnv(string command) => command switch
    {
        "ADD" or "CHECK" => ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH"],
        "DEL" => ["CNI_CONTAINERID", "CNI_IFNAME", "CNI_PATH"],
        "GC" or "STATUS" => ["CNI_PATH"],
        _ => null,
    };

    private static void CheckVersion(string command, string version)
    {
        if (!CniVersion.IsSupported(version))
        {
            throw new CniException(ErrorCode.IncompatibleCniVersion, "incompatible CNI versions",
                $"config is \"{version}\", plugin supports [{string.Join(" ", CniVersion.All.Select(v => $"\"{v}\""))}]");
        }

        string? minimum = command switch
        {
            "CHECK" => "0.4.0",
            "GC" or "STATUS" => "1.1.0",
            _ => null,
        };
        if (minimum is not null && !CniVersion.AtLeast(version, minimum))
        {
            throw new CniException(ErrorCode.IncompatibleCniVersion, $"config version does not allow {command}");
        }
    }

    private static bool IsNetnsOverride(string value) =>
        value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase);

    private static byte[] ReadAll(IPluginHost host)
    {
        try
        {
            // Configs are a few hundred bytes to a few KiB. Stream.CopyTo would take an 80 KiB pooled buffer: a
            // large-object allocation, and its page faults, on every run.
            using var stdin = host.OpenStandardInput();
            byte[] buffer = new byte[4096];
            int length = 0;
            int n;
            while ((n = stdin.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += n;
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            Array.Resize(ref buffer, length);
            return buffer;
        }
        catch (IOException e)
        {
            throw new CniException(ErrorCode.IoFailure, $"error reading from stdin: {e.Message}", inner: e);
        }
    }

    private static void WriteText(Stream stream, string text)
    {
        stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        stream.Flush();
    }
}
