using System.Text.Json;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Invoke;

/// <summary>
/// Runs a delegated plugin (IPAM) as the spec says: found in CNI_PATH, the caller's environment with only
/// CNI_COMMAND changed, the caller's whole config on stdin, its stderr passed through. Never call this inside
/// <see cref="Ns.NetNs.Run{T}"/>: the child would start in the container's namespace.
/// </summary>
public static class PluginExec
{
    /// <summary>The reference library retries a binary that is being replaced ("text file busy").</summary>
    private const int BusyRetries = 5;

    public static string FindInPath(string plugin, string cniPath)
    {
        if (string.IsNullOrEmpty(plugin))
        {
            throw new CniException(ErrorCode.InvalidNetworkConfig, "no plugin name provided");
        }

        if (plugin.Contains('/'))
        {
            throw new CniException(ErrorCode.InvalidNetworkConfig, $"invalid plugin name: {plugin}");
        }

        foreach (string dir in cniPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, plugin);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new CniException(ErrorCode.InvalidNetworkConfig,
            $"failed to find plugin \"{plugin}\" in path [{string.Join(" ", cniPath.Split(':', StringSplitOptions.RemoveEmptyEntries))}]");
    }

    /// <summary>Runs <paramref name="plugin"/> with <paramref name="command"/>; returns its stdout, or throws its CNI error.</summary>
    public static byte[] Run(string plugin, string command, CmdArgs args)
    {
        string path = FindInPath(plugin, args.Path);
        var env = new Dictionary<string, string?> { ["CNI_COMMAND"] = command };
        for (int attempt = 0; ; attempt++)
        {
            ChildProcess.Outcome outcome;
            try
            {
                outcome = ChildProcess.Run(path, [], args.StdinData, env);
            }
            catch (SystemCallException e) when (e.Errno == Interop.Errno.ETXTBSY && attempt < BusyRetries)
            {
                Thread.Sleep(1000);
                continue;
            }

            return outcome.ExitCode == 0 ? outcome.Stdout : throw ParseError(plugin, outcome.Stdout, outcome.ExitCode);
        }
    }

    private static CniException ParseError(string plugin, byte[] output, int exitCode)
    {
        try
        {
            using var doc = JsonDocument.Parse(output);
            var root = doc.RootElement;
            int code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out int n) ? n : ErrorCode.Internal;
            string msg = root.TryGetProperty("msg", out var m) ? m.GetString() ?? "" : "";
            string? details = root.TryGetProperty("details", out var d) ? d.GetString() : null;
            return new CniException(code, msg, details);
        }
        catch (JsonException)
        {
            return new CniException(ErrorCode.Internal,
                $"netplugin failed: \"{plugin}\" exited with {exitCode}: {System.Text.Encoding.UTF8.GetString(output).Trim()}");
        }
    }
}
