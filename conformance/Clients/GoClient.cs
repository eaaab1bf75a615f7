using CniPlugins.Conformance.HostLocal;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Clients;

/// <summary>
/// conformance/clients (cniclient), built once per test run into a temp dir in GOPATH mode against Debian's
/// libcni and go-cni (no module download, no network): the runtimes' own client code, in front of our binaries.
/// </summary>
internal static class GoClient
{
    /// <summary>Where Debian's golang-*-dev packages put their sources.</summary>
    private const string DebianGocode = "/usr/share/gocode";

    private static readonly string[] Libraries =
    [
        "github.com/containernetworking/cni/libcni",
        "github.com/containerd/go-cni",
    ];

    private static readonly Lazy<string> s_binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? s_dir;

    /// <summary>Why the client cannot be built on this machine (a visible skip), or null when it can.</summary>
    public static string? Missing
    {
        get
        {
            if (!NeedsToolsFactAttribute.OnPath("go"))
            {
                return "needs golang-go (go on PATH); scripts/deps.sh installs it";
            }

            var absent = Libraries.Where(l => !Directory.Exists(Path.Combine(DebianGocode, "src", l))).ToList();
            return absent.Count == 0
                ? null
                : $"needs {string.Join(", ", absent)} under {DebianGocode} (golang-github-appc-cni-dev, golang-github-containerd-go-cni-dev; scripts/deps.sh installs them)";
        }
    }

    /// <summary>Skips the calling test, saying why, when the client cannot be built here.</summary>
    public static void SkipIfMissing()
    {
        string? why = Missing;
        Skip.If(why is not null, why);
    }

    /// <summary>The built cniclient; a build failure is a test failure, not a skip.</summary>
    public static string Binary => s_binary.Value;

    private static string Build()
    {
        string dir = s_dir = Directory.CreateTempSubdirectory("cnit-goclient-").FullName;
        string output = Path.Combine(dir, "cniclient");
        var env = new Dictionary<string, string>
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{dir}/gopath:{DebianGocode}",
            ["GOCACHE"] = Path.Combine(dir, "gocache"),
            // No go.env of the user's (nor a $HOME to find it in) decides anything.
            ["GOENV"] = "off",
            ["GOFLAGS"] = "",
            ["CGO_ENABLED"] = "0",
            // GOPATH mode never fetches; this makes sure nothing else tries to either.
            ["GOPROXY"] = "off",
        };
        // GOPATH mode refuses an absolute import path for a directory outside GOPATH; naming the files works.
        string[] sources = Directory.GetFiles(Path.Combine(Paths.RepoRoot, "conformance", "clients"), "*.go")
            .Where(f => !f.EndsWith("_test.go", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Shell.Run("go", ["build", "-o", output, .. sources], (string?)null, env,
            TimeSpan.FromMinutes(10)).EnsureSuccess("go build conformance/clients");
        return output;
    }

    /// <summary>Removes the build directory (the test host may be killed before ProcessExit handlers run).</summary>
    public static void Remove()
    {
        if (s_dir is { } dir && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>
/// Every runtime client test belongs to this collection: they run one after the other (each starts a runtime and
/// several namespaces; the machine has two cores), and cniclient's build is removed once the last has run.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClientsCollection : ICollectionFixture<ClientsCollection.Cleanup>
{
    public const string Name = "Runtime clients";

    public sealed class Cleanup : IDisposable
    {
        public void Dispose() => GoClient.Remove();
    }
}
