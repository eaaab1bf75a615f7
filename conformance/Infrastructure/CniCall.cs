using System.Text.Json.Nodes;

namespace CniPlugins.Conformance.Infrastructure;

/// <summary>The CNI_* environment of one plugin call. Null fields are left unset, empty ones set empty.</summary>
public sealed record CniCall(string Command)
{
    public string? ContainerId { get; init; }

    public string? Netns { get; init; }

    public string? IfName { get; init; }

    public string? Args { get; init; }

    /// <summary>Defaults to the directory of the binary being run, so delegation picks the same suite.</summary>
    public string? CniPath { get; init; }

    public Dictionary<string, string> Extra { get; init; } = [];

    public static CniCall Add(string containerId, string netns, string ifName = "eth0") =>
        new("ADD") { ContainerId = containerId, Netns = netns, IfName = ifName };

    public CniCall As(string command) => this with { Command = command };
}

/// <summary>What a plugin run produced.</summary>
public sealed record CniOutcome(int ExitCode, string Stdout, string Stderr)
{
    public bool Success => ExitCode == 0;

    public JsonNode? Json => Stdout.Trim().Length == 0 ? null : JsonNode.Parse(Stdout);

    /// <summary>The CNI error code, or null when the call succeeded.</summary>
    public int? ErrorCode => Success ? null : (int?)Json?["code"];

    public string? ErrorMessage => Success ? null : (string?)Json?["msg"];

    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
}

/// <summary>Execs a plugin binary as a runtime does: env + stdin, stdout and exit code read back.</summary>
public static class Plugin
{
    public static CniOutcome Exec(string binary, CniCall call, string stdin, TestNetns? hostNs = null) =>
        Exec(binary, call, System.Text.Encoding.UTF8.GetBytes(stdin), hostNs);

    /// <summary>The same with the config as bytes, which reach the plugin unchanged (UTF-8 or not).</summary>
    public static CniOutcome Exec(string binary, CniCall call, byte[] stdin, TestNetns? hostNs = null)
    {
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = call.Command,
            ["CNI_PATH"] = call.CniPath ?? Path.GetDirectoryName(binary)!,
        };
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                env[key] = value;
            }
        }

        Set("CNI_CONTAINERID", call.ContainerId);
        Set("CNI_NETNS", call.Netns);
        Set("CNI_IFNAME", call.IfName);
        Set("CNI_ARGS", call.Args);
        foreach (var (k, v) in call.Extra)
        {
            env[k] = v;
        }

        // Start from the test process's environment minus any CNI_* it may carry.
        foreach (string key in new[] { "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_NETNS_OVERRIDE" })
        {
            if (!env.ContainsKey(key) && Environment.GetEnvironmentVariable(key) is not null)
            {
                env[key] = "";
            }
        }

        var output = hostNs is null
            ? Shell.Run(binary, [], stdin, env)
            : Shell.Run("ip", ["netns", "exec", hostNs.Name, binary], stdin, env);
        return new CniOutcome(output.ExitCode, output.Stdout, output.Stderr);
    }
}
