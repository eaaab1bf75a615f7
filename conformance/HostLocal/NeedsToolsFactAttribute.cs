using Xunit;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>A fact that is skipped, visibly and saying why, when a program it needs is not on PATH.</summary>
public sealed class NeedsToolsFactAttribute : FactAttribute
{
    public NeedsToolsFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => !OnPath(t)).ToList();
        if (missing.Count > 0)
        {
            Skip = "needs " + string.Join(", ", missing) + " on PATH";
        }
    }

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, name)));
}
