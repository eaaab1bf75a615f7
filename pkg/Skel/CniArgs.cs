using CniPlugins.Types;

namespace CniPlugins.Skel;

/// <summary>
/// CNI_ARGS, <c>K1=V1;K2=V2</c>. Keys match case-sensitively as in the reference. Unknown keys are an error
/// unless IgnoreUnknown is true; the pod metadata keys Kubernetes runtimes always send (K8S_*) are tolerated
/// either way, since strict parsing of them only ever breaks chains.
/// </summary>
public sealed class CniArgs
{
    private readonly Dictionary<string, string> _values;

    private CniArgs(Dictionary<string, string> values) => _values = values;

    public static CniArgs Parse(string raw, params string[] knownKeys)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        if (!string.IsNullOrEmpty(raw))
        {
            foreach (string pair in raw.Split(';'))
            {
                string[] kv = pair.Split('=');
                if (kv.Length != 2)
                {
                    throw new CniException(ErrorCode.InvalidEnvironmentVariables, $"ARGS: invalid pair \"{pair}\"");
                }

                values[kv[0]] = kv[1];
                if (kv[0] != "IgnoreUnknown" && Array.IndexOf(knownKeys, kv[0]) < 0 && !kv[0].StartsWith("K8S_", StringComparison.Ordinal))
                {
                    unknown.Add(kv[0]);
                }
            }
        }

        bool ignoreUnknown = false;
        if (values.TryGetValue("IgnoreUnknown", out string? ignore))
        {
            ignoreUnknown = ignore.ToLowerInvariant() switch
            {
                "1" or "true" => true,
                "0" or "false" => false,
                _ => throw new CniException(ErrorCode.InvalidEnvironmentVariables,
                    $"ARGS: IgnoreUnknown must be true, false, 1 or 0, not \"{ignore}\""),
            };
        }

        if (unknown.Count > 0 && !ignoreUnknown)
        {
            throw new CniException(ErrorCode.InvalidEnvironmentVariables,
                $"ARGS: unknown args [{string.Join(" ", unknown.Select(k => $"\"{k}\""))}]",
                "set IgnoreUnknown=1 in CNI_ARGS to ignore keys this plugin does not use");
        }

        return new CniArgs(values);
    }

    public string? Get(string key) => _values.TryGetValue(key, out string? v) && v.Length > 0 ? v : null;
}
