using System.Formats.Tar;
using System.Text.Json;
using System.Text.RegularExpressions;
using CniPlugins.Conformance.Clients;
using CniPlugins.Conformance.HostLocal;
using CniPlugins.Conformance.Infrastructure;
using Skip = Xunit.Skip;
using Xunit;

namespace CniPlugins.Conformance.Deploy;

/// <summary>
/// The image of deploy/Containerfile, built offline by scripts/image.sh with podman (the lab's private storage and
/// namespaces, see <see cref="PodmanLab"/>): it holds exactly the two binaries and what the dynamically linked
/// overlay-agent loads, it carries the tag the Kubernetes manifests name, and both binaries run in it.
/// </summary>
public sealed partial class ImageTests : IDisposable
{
    /// <summary>Every file of the image: the binaries, the agent's loader and libraries (libssl through dlopen).</summary>
    private static readonly string[] Files =
    [
        "bin/cni-plugins", "bin/overlay-agent", "lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6",
        "lib/x86_64-linux-gnu/libm.so.6", "lib/x86_64-linux-gnu/libssl.so.3", "lib/x86_64-linux-gnu/libcrypto.so.3",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-image-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void Image_holds_the_two_binaries_and_the_agents_libraries_carries_the_manifests_tag_and_runs_both()
    {
        string? why = PodmanLab.Missing ?? (NeedsToolsFactAttribute.OnPath("openssl") ? null : "needs openssl on PATH");
        Skip.If(why is not null, why);
        using var lab = new PodmanLab();

        var built = lab.Run(Release.Script("image.sh"), "--bin", Paths.OurBin);
        Assert.True(built.ExitCode == 0, built.Stderr + built.Stdout);
        string[] tags = built.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string image = ManifestImage();
        Assert.Contains(image, tags);
        Assert.Equal(0, lab.Podman("image", "exists", image).ExitCode);

        var layer = Layer(lab, image);
        Assert.Equal(Files.Order(StringComparer.Ordinal), layer.Keys.Where(k => !k.EndsWith('/')).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(Paths.Ours("cni-plugins")), layer["bin/cni-plugins"]);
        Assert.Equal(File.ReadAllBytes(Paths.Ours("overlay-agent")), layer["bin/overlay-agent"]);

        var version = lab.Podman("run", "--rm", "--pull=never", "--network", "none", image, "--version");
        Assert.True(version.ExitCode == 0, version.Stderr);
        Assert.StartsWith("cni-plugins v", version.Stdout);

        // The agent loads a CA certificate through OpenSSL (libssl.so.3, opened with dlopen) before it connects:
        // from an image without libssl it dies with "No usable version of libssl was found"; here it gets as far as
        // the closed port.
        string ca = Path.Combine(_dir, "ca.pem");
        Shell.Run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", Path.Combine(_dir, "ca-key.pem"), "-out", ca, "-subj", "/CN=cnit", "-days", "1"]).EnsureSuccess("openssl req");
        var agent = lab.Podman("run", "--rm", "--pull=never", "--network", "none", "-v", ca + ":/ca.pem:ro",
            "--entrypoint", "/bin/overlay-agent", image,
            "leave", "--etcd-endpoints", "https://127.0.0.1:9", "--etcd-cafile", "/ca.pem", "--network", "pods", "--node", "n1");
        Assert.True(agent.ExitCode == 1, $"exit {agent.ExitCode}: {agent.Stderr}");
        Assert.Contains("Connection refused", agent.Stderr);
    }

    /// <summary>The one image every container of every manifest in deploy/kubernetes names.</summary>
    private static string ManifestImage()
    {
        var images = Directory.GetFiles(Path.Combine(Paths.RepoRoot, "deploy", "kubernetes"), "*.yaml")
            .SelectMany(f => ImageLine().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        return Assert.Single(images);
    }

    [GeneratedRegex(@"^\s*image:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ImageLine();

    /// <summary>The image's only layer, by path (directories end in /), from <c>podman save</c>'s docker-archive.</summary>
    private Dictionary<string, byte[]> Layer(PodmanLab lab, string image)
    {
        string archive = Path.Combine(_dir, "image.tar");
        lab.Podman("save", "-o", archive, image).EnsureSuccess("podman save");
        string saved = Directory.CreateDirectory(Path.Combine(_dir, "saved")).FullName;
        TarFile.ExtractToDirectory(archive, saved, overwriteFiles: false);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(saved, "manifest.json")));
        string layer = Assert.Single(manifest.RootElement[0].GetProperty("Layers").EnumerateArray()).GetString()!;

        using var reader = new TarReader(File.OpenRead(Path.Combine(saved, layer)));
        var files = new Dictionary<string, byte[]>();
        while (reader.GetNextEntry() is { } e)
        {
            using var data = new MemoryStream();
            e.DataStream?.CopyTo(data);
            files[e.Name] = data.ToArray();
        }

        return files;
    }
}
