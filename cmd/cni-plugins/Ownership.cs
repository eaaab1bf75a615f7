using System.Text;
using CniPlugins.Invoke;

namespace CniPlugins.MultiCall;

/// <summary>Whose a directory entry is: <c>install</c> replaces only what this suite put there, unless forced.</summary>
internal static class Ownership
{
    // With CNI_COMMAND inherited, a plugin would act on it instead of printing its version.
    private static readonly Dictionary<string, string?> NoCniCommand = new() { ["CNI_COMMAND"] = null };

    // A plugin answers --version in milliseconds; an executable that does not answer in this time is not one of ours,
    // and install must not hang on it (a DaemonSet's init container would never finish).
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(5);

    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    public enum Kind
    {
        /// <summary>Nothing at the name.</summary>
        Absent,

        /// <summary>A link to cni-plugins, or a file whose <c>--version</c> starts with "cni-plugins ".</summary>
        Ours,

        /// <summary>Anything else: another suite's plugin (the reference's bridge), a script, a directory.</summary>
        Foreign,
    }

    /// <summary>Who owns <paramref name="path"/>, and for a foreign file what it says it is.</summary>
    public static (Kind Kind, string Description) Of(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            return Path.GetFileName(target) == Suite.BinaryName
                ? (Kind.Ours, "a link to " + target)
                : (Kind.Foreign, "a link to " + target);
        }

        if (!info.Exists)
        {
            return Directory.Exists(path) ? (Kind.Foreign, "a directory") : (Kind.Absent, "");
        }

        if (!IsElfExecutable(info))
        {
            return (Kind.Foreign, "not an executable of this suite");
        }

        string said;
        try
        {
            said = Encoding.UTF8.GetString(ChildProcess.Run(path, ["--version"], [], NoCniCommand, stderrToStdout: true,
                timeout: VersionTimeout).Stdout);
        }
        catch (TimeoutException)
        {
            return (Kind.Foreign, $"an executable that did not answer --version within {VersionTimeout.TotalSeconds} s");
        }

        string firstLine = said.Split('\n')[0].Trim();
        return said.StartsWith(Suite.BinaryName + " ", StringComparison.Ordinal)
            ? (Kind.Ours, firstLine)
            : (Kind.Foreign, firstLine.Length > 0 ? $"\"{firstLine}\"" : "an executable that does not name this suite");
    }

    /// <summary>An executable ELF file: only then is it asked for its version (a script is not run).</summary>
    private static bool IsElfExecutable(FileInfo info)
    {
        if ((info.UnixFileMode & UnixFileMode.UserExecute) == 0)
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenHandle(info.FullName);
        return RandomAccess.Read(file, magic, 0) == 4 && magic.SequenceEqual(ElfMagic);
    }
}
