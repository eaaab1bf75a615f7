using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Deploy;

/// <summary>
/// The Kubernetes manifests in deploy/kubernetes pass scripts/check-manifests.py (there is no cluster here to apply
/// them to), and the checker refuses each of a set of broken copies, naming what is wrong.
/// </summary>
public sealed class ManifestTests
{
    private static readonly string Dir = Path.Combine(Paths.RepoRoot, "deploy", "kubernetes");

    [SkippableFact]
    public void Manifests_are_well_formed_and_complete()
    {
        Skip.If(Missing is not null, Missing);
        string[] manifests = Directory.GetFiles(Dir, "*.yaml");
        Assert.Equal(["cni-plugins-overlay.yaml", "cni-plugins.yaml"], manifests.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var check = Check(manifests);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Equal("", check.Stdout);
    }

    [SkippableTheory]
    [InlineData("cni-plugins.yaml", "cni-plugins:v0.1", "cni-plugins:latest", "is not the one the build tags")]
    [InlineData("cni-plugins.yaml", "- operator: Exists", "- operator: Exists\n          effect: NoSchedule", "no toleration {operator: Exists}")]
    [InlineData("cni-plugins.yaml", "system-node-critical", "system-cluster-critical", "priorityClassName is not system-node-critical")]
    [InlineData("cni-plugins.yaml", "hostNetwork: true", "hostNetwork: false", "hostNetwork is not true")]
    [InlineData("cni-plugins.yaml", "name: cni-plugins\n  updateStrategy", "name: other\n  updateStrategy", "does not match the pod's labels")]
    [InlineData("cni-plugins.yaml", "\"type\": \"portmap\"", "\"type\": \"tuning\"", "plugin 'tuning' is not one cni-plugins holds")]
    [InlineData("cni-plugins.yaml", "\"name\": \"cni-plugins\",", "\"name\": \"cni-plugins\"", "10-cni-plugins.conflist: not JSON")]
    [InlineData("cni-plugins.yaml", "  namespace: kube-system\n  labels", "   namespace: kube-system\n  labels", "not well-formed YAML")]
    [InlineData("cni-plugins.yaml", "mountPath: /host/opt/cni/bin", "mountPath: /opt/cni/bin", "not the host's /opt/cni/bin")]
    [InlineData("cni-plugins.yaml", "\"--dest\", \"/host/etc/cni/net.d\"", "\"--dest\", \"/etc/cni/net.d\"", "not the host's /etc/cni/net.d")]
    [InlineData("cni-plugins.yaml", "/etc/cni-plugins/10-cni-plugins.conflist", "/etc/cni-plugins/10-other.conflist", "is not a key of a ConfigMap")]
    [InlineData("cni-plugins.yaml", "[\"/bin/cni-plugins\", \"wait\"]", "[\"/bin/cni-plugins\", \"help\"]", "neither `/bin/cni-plugins wait` nor")]
    [InlineData("cni-plugins.yaml", "        - name: cni-config\n          configMap", "        - name: unused\n          emptyDir: {}\n        - name: cni-config\n          configMap", "volume 'unused' is mounted by no container")]
    [InlineData("cni-plugins-overlay.yaml", "\"subnetFile\": \"/run/cni-overlay/pods.json\"", "\"subnetFile\": \"/run/flannel/pods.json\"", "no vxlan subnetFile in the conflist lies in the agent's state dir")]
    [InlineData("cni-plugins-overlay.yaml", "mountPath: /run/cni-overlay", "mountPath: /run/other", "state dir /run/cni-overlay is not the host's")]
    [InlineData("cni-plugins-overlay.yaml", "  image: ghcr.io/cni-plugins/cni-plugins:v0.1\n          command:\n            - /bin/overlay-agent", "  image: ghcr.io/cni-plugins/overlay-agent:v0.1\n          command:\n            - /bin/overlay-agent", "is not the one the build tags")]
    public void A_broken_manifest_is_refused(string file, string from, string to, string problem)
    {
        Skip.If(Missing is not null, Missing);
        string text = File.ReadAllText(Path.Combine(Dir, file));
        Assert.Contains(from, text);
        string dir = Directory.CreateTempSubdirectory("cnit-manifest-").FullName;
        try
        {
            string broken = Path.Combine(dir, file);
            int at = text.IndexOf(from, StringComparison.Ordinal);
            File.WriteAllText(broken, text[..at] + to + text[(at + from.Length)..]);
            var check = Check([broken]);
            Assert.Equal(1, check.ExitCode);
            Assert.Contains(problem, check.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Why the checker cannot run here, or null.</summary>
    private static string? Missing =>
        Shell.Run("python3", ["-c", "import yaml"]).ExitCode == 0 ? null : "needs python3 with PyYAML (python3-yaml; scripts/deps.sh installs it)";

    private static Shell.Output Check(string[] manifests) =>
        Shell.Run("python3", [Release.Script("check-manifests.py"), "--bin", Paths.OurBin, .. manifests]);
}
