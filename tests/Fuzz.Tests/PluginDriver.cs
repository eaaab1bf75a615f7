using System.Reflection;
using System.Text;
using System.Text.Json;
using CniPlugins.Skel;
using CniPlugins.Types;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Runs a plugin's verbs through <see cref="PluginMain.Run"/> with an in-memory host. The verbs are the plugin's
/// own internal entry points, looked up once by name (the same table each plugin's Program.cs hands to PluginMain),
/// so no product code needs to open its internals for the fuzzer.
/// </summary>
internal static class PluginDriver
{
    public static readonly string[] Plugins = ["bridge", "macvlan", "loopback", "host-local"];

    private static readonly Dictionary<string, (string Assembly, string Type, string Add, string Del, string Check, string? Gc, string? Status)> Table = new()
    {
        ["bridge"] = ("bridge", "CniPlugins.Bridge", "BridgeAdd.Run", "BridgeDel.Run", "BridgeCheck.Run", "BridgeDelegation.Gc", "BridgeDelegation.Status"),
        ["macvlan"] = ("macvlan", "CniPlugins.Macvlan", "MacvlanPlugin.Add", "MacvlanPlugin.Del", "MacvlanPlugin.Check", "MacvlanPlugin.Gc", "MacvlanPlugin.Status"),
        ["loopback"] = ("loopback", "CniPlugins.Loopback", "LoopbackPlugin.Add", "LoopbackPlugin.Del", "LoopbackPlugin.Check", null, null),
        ["host-local"] = ("host-local", "CniPlugins.HostLocal", "HostLocalPlugin.Add", "HostLocalPlugin.Del", "HostLocalPlugin.Check", "HostLocalPlugin.Gc", "HostLocalPlugin.Status"),
    };

    private static readonly Dictionary<string, CniCommands> Commands = Plugins.ToDictionary(p => p, Build);

    private static CniCommands Build(string plugin)
    {
        var t = Table[plugin];
        var asm = Assembly.Load(t.Assembly);
        MethodInfo Method(string qualified)
        {
            string[] parts = qualified.Split('.');
            var type = asm.GetType($"{t.Type}.{parts[0]}", throwOnError: true)!;
            return type.GetMethod(parts[1], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(CmdArgs)])
                ?? throw new MissingMethodException(type.FullName, parts[1]);
        }

        Action<CmdArgs>? Verb(string? name) => name is null ? null : Method(name).CreateDelegate<Action<CmdArgs>>();
        return new CniCommands
        {
            Add = Method(t.Add).CreateDelegate<Func<CmdArgs, Result>>(),
            Del = Verb(t.Del),
            Check = Verb(t.Check),
            Gc = Verb(t.Gc),
            Status = Verb(t.Status),
        };
    }

    /// <summary>What one run printed.</summary>
    public sealed record Outcome(int Exit, string Stdout, string Stderr);

    public static Outcome Run(string plugin, string verb, byte[] stdin, string cniArgs, string cniPath)
    {
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = verb,
            ["CNI_CONTAINERID"] = "fuzz-container",
            // A namespace that exists nowhere: every verb that would enter one fails before touching a link.
            ["CNI_NETNS"] = "/run/netns/cnit-fuzz-none",
            ["CNI_IFNAME"] = "eth0",
            ["CNI_PATH"] = cniPath,
            ["CNI_ARGS"] = cniArgs,
            ["CNI_PLUGINS_DEBUG"] = "1",
        };
        var host = new MemoryHost(env, stdin);
        int exit = PluginMain.Run(plugin, Commands[plugin], [], host);
        return new Outcome(exit, host.Stdout, host.Stderr);
    }

    private static readonly HashSet<int> KnownCodes =
    [
        ErrorCode.IncompatibleCniVersion, ErrorCode.UnsupportedField, ErrorCode.UnknownContainer,
        ErrorCode.InvalidEnvironmentVariables, ErrorCode.IoFailure, ErrorCode.DecodingFailure,
        ErrorCode.InvalidNetworkConfig, ErrorCode.InvalidNetNs, ErrorCode.TryAgainLater,
        ErrorCode.PluginNotAvailable, ErrorCode.PluginNotAvailableLimitedConnectivity,
    ];

    /// <summary>
    /// Null when the outcome keeps the contract (a result, or an error with a known code and a message); else the
    /// crash class: code 999 with the exception's type and the first words of its message, or what is malformed.
    /// </summary>
    public static string? Violation(string verb, Outcome o)
    {
        JsonElement json;
        try
        {
            if (o.Exit == 0)
            {
                if (verb == "ADD" && o.Stdout.Length == 0)
                {
                    return "ADD succeeded without a result";
                }

                return o.Stdout.Length == 0 || JsonDocument.Parse(o.Stdout).RootElement.ValueKind == JsonValueKind.Object
                    ? null
                    : "success output is not a JSON object";
            }

            json = JsonDocument.Parse(o.Stdout).RootElement;
        }
        catch (JsonException)
        {
            return "output is not JSON";
        }

        if (!json.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out int c))
        {
            return "error without a numeric code";
        }

        if (!json.TryGetProperty("msg", out var msg) || msg.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(msg.GetString()))
        {
            return $"error {c} without a message";
        }

        if (c == ErrorCode.Internal)
        {
            // With CNI_PLUGINS_DEBUG=1 the skeleton prints the exception chain on stderr, outermost first: a 999 the
            // plugin raised on purpose (as the reference does for allocation conflicts) is a CniException there,
            // anything that escaped is its own type.
            string first = o.Stderr.Split('\n')[0];
            string type = first.Split(':')[0].Trim();
            if (type is "" or "CniPlugins.Types.CniException" or "CniPlugins.Ns.NetNsNotFoundException")
            {
                // The deliberate ones, and the harness's missing namespace (999, as the reference's plain error).
                return null;
            }

            string words = string.Join(' ', first.Split(':', 2)[^1].Trim().Split(' ').Take(4));
            return $"999 {type}: {words}";
        }

        return KnownCodes.Contains(c) ? null : $"unknown error code {c}";
    }

    /// <summary>The process as the skeleton sees it: an environment and in-memory standard streams.</summary>
    private sealed class MemoryHost(Dictionary<string, string> env, byte[] stdin) : IPluginHost
    {
        private readonly MemoryStream _stdout = new();
        private readonly MemoryStream _stderr = new();

        public string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());

        public string Stderr => Encoding.UTF8.GetString(_stderr.ToArray());

        public string? GetEnvironmentVariable(string name) => env.GetValueOrDefault(name);

        public Stream OpenStandardInput() => new MemoryStream(stdin, writable: false);

        public Stream OpenStandardOutput() => new Kept(_stdout);

        public Stream OpenStandardError() => new Kept(_stderr);

        /// <summary>The skeleton disposes what it opens; the driver still reads it afterwards.</summary>
        private sealed class Kept(MemoryStream inner) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => inner.Length;

            public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        }
    }
}
