using System.Text.Json;
using CniPlugins.Fs;

namespace CniPlugins.MultiCall;

/// <summary>
/// <c>install-config --src FILE --dest DIR</c>: writes a network config or conflist into the runtime's config
/// directory (/etc/cni/net.d) in one atomic step, after checking it is one: a runtime that reads the directory
/// meanwhile sees the old file or the whole new one, and a broken file is never put there. A scratch image has no cp.
/// </summary>
internal static class InstallConfigCommand
{
    private const UnixFileMode Mode0644 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static int Run(string[] args)
    {
        if (CommandLine.Parse(args, ["--src", "--dest"], [], out string error) is not { } line)
        {
            return Usage.Fail($"install-config: {error}");
        }

        if (line.Value("--src") is not { } src || line.Value("--dest") is not { } dest)
        {
            return Usage.Fail("install-config needs --src FILE and --dest DIR");
        }

        byte[] content = File.ReadAllBytes(src);
        if (Problem(content) is { } problem)
        {
            Output.Error($"install-config: {src} is not a CNI network config or conflist: {problem}; nothing written");
            return 1;
        }

        string name = Path.GetFileName(src);
        Directory.CreateDirectory(dest);
        AtomicReplace.WriteFile(dest, name, content, Mode0644);
        Output.Line($"wrote {Path.Join(dest, name)}");
        return 0;
    }

    /// <summary>
    /// What makes <paramref name="content"/> no config, or null: a JSON object with <c>cniVersion</c> and
    /// <c>name</c>, and either a <c>plugins</c> array (a conflist) or a <c>type</c> (a single network config).
    /// </summary>
    internal static string? Problem(byte[] content)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "not a JSON object";
            }

            foreach (string key in (string[])["cniVersion", "name"])
            {
                if (!root.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is "")
                {
                    return $"no \"{key}\" string";
                }
            }

            bool conflist = root.TryGetProperty("plugins", out var plugins) && plugins.ValueKind == JsonValueKind.Array;
            bool single = root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is not "";
            return conflist || single ? null : "neither a \"plugins\" array nor a \"type\"";
        }
        catch (JsonException e)
        {
            return $"invalid JSON ({e.Message})";
        }
    }
}
