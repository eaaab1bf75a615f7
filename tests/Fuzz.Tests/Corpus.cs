namespace CniPlugins.Fuzz.Tests;

/// <summary>The checked-in seeds (tests/Fuzz.Tests/corpus), copied next to the test assembly.</summary>
internal static class Corpus
{
    private static string Dir(string kind) => Path.Combine(AppContext.BaseDirectory, "corpus", kind);

    public static IReadOnlyList<(string Name, byte[] Bytes)> Files(string kind, string pattern = "*") =>
        Directory.GetFiles(Dir(kind), pattern).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();

    public static IReadOnlyList<(string Name, byte[] Bytes)> Configs => Files("configs", "*.json");

    public static IReadOnlyList<string> CniArgs => Files("cni-args", "*.txt").Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)).ToList();

    public static IReadOnlyList<(string Version, byte[] Bytes)> Results =>
        Files("results", "*.json").Select(f => (Path.GetFileNameWithoutExtension(f.Name), f.Bytes)).ToList();

    /// <summary>Captured dump replies: the datagrams of one dump, per file (capture.py writes them).</summary>
    public static IReadOnlyList<(string Name, byte[][] Datagrams)> NetlinkDumps =>
        Files("netlink", "*.hex").Select(f => (Path.GetFileNameWithoutExtension(f.Name),
            System.Text.Encoding.ASCII.GetString(f.Bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Convert.FromHexString).ToArray())).ToList();
}
