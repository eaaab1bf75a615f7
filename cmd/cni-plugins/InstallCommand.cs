using CniPlugins.Fs;

namespace CniPlugins.MultiCall;

/// <summary>
/// <c>install --dest DIR [--plugins a,b] [--dry-run] [--force]</c>: copies this file to DIR/cni-plugins and makes
/// DIR/&lt;plugin&gt; links to it. Every name is replaced by a rename (<see cref="AtomicReplace"/>), so a runtime
/// executing a plugin from DIR meanwhile keeps running the old file and the next exec finds the new one. Run again it
/// changes nothing. It touches only the names this suite ships, and those only when they are ours or with --force;
/// all names are checked before the first one is changed.
/// </summary>
internal static class InstallCommand
{
    private const UnixFileMode Mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static int Run(string[] args)
    {
        if (CommandLine.Parse(args, ["--dest", "--plugins"], ["--dry-run", "--force"], out string error) is not { } line)
        {
            return Usage.Fail($"install: {error}");
        }

        if (line.Value("--dest") is not { } dest)
        {
            return Usage.Fail("install needs --dest DIR");
        }

        string[] plugins = line.Value("--plugins")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            ?? Suite.Names;
        if (plugins.FirstOrDefault(p => !Suite.Holds(p)) is { } unknown)
        {
            return Usage.Fail($"install: no plugin named \"{unknown}\"");
        }

        bool dryRun = line.Flag("--dry-run");
        bool force = line.Flag("--force");
        // The file itself: ProcessPath resolves the link this process may have been started through.
        byte[] image = File.ReadAllBytes(Environment.ProcessPath ?? throw new IOException("the running executable's path is unknown"));

        var steps = new List<Step> { BinaryStep(dest, image) };
        steps.AddRange(plugins.Distinct().Select(p => LinkStep(dest, p)));

        var refused = steps.Where(s => s.Foreign is not null && !force).ToList();
        foreach (var step in refused)
        {
            Output.Error($"refused {step.Path}: not ours ({step.Foreign}); --force replaces it");
        }

        if (refused.Count > 0)
        {
            Output.Error("nothing changed");
            return 1;
        }

        if (!dryRun)
        {
            Directory.CreateDirectory(dest);
        }

        foreach (var step in steps)
        {
            if (step.Action is null)
            {
                Output.Line($"unchanged {step.Path}");
                continue;
            }

            if (!dryRun)
            {
                step.Action();
            }

            Output.Line(dryRun ? step.WouldDo : step.Done);
        }

        return 0;
    }

    /// <summary>What to do with one name: nothing (Action null), or the action and its line before and after.</summary>
    private sealed record Step(string Path, string? Foreign, Action? Action = null, string WouldDo = "", string Done = "");

    private static Step BinaryStep(string dest, byte[] image)
    {
        string path = Path.Join(dest, Suite.BinaryName);
        var (kind, description) = Ownership.Of(path);
        if (kind == Ownership.Kind.Ours && new FileInfo(path).LinkTarget is null && File.ReadAllBytes(path).AsSpan().SequenceEqual(image))
        {
            return new Step(path, null);
        }

        return new Step(path, kind == Ownership.Kind.Foreign ? description : null,
            () => AtomicReplace.WriteFile(dest, Suite.BinaryName, image, Mode0755),
            $"would install {path}", $"installed {path}");
    }

    private static Step LinkStep(string dest, string plugin)
    {
        string path = Path.Join(dest, plugin);
        var (kind, description) = Ownership.Of(path);
        if (new FileInfo(path).LinkTarget == Suite.BinaryName)
        {
            return new Step(path, null);
        }

        return new Step(path, kind == Ownership.Kind.Foreign ? description : null,
            () => AtomicReplace.Symlink(dest, plugin, Suite.BinaryName),
            $"would link {path} -> {Suite.BinaryName}", $"linked {path} -> {Suite.BinaryName}");
    }
}
