using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Overlay;

/// <summary>The agent talks TLS to an etcd that requires client certificates, with certificates this test makes.</summary>
public sealed class OverlayTlsTests
{
    /// <summary>A CA, a server certificate for the etcd address and a client certificate, with the openssl CLI.</summary>
    private static void MakeCertificates(string dir)
    {
        void Openssl(params string[] args) => Shell.Run("openssl", args).EnsureSuccess("openssl " + args[0]);
        string F(string name) => Path.Combine(dir, name);
        Openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=cnit-ca",
            "-keyout", F("ca-key.pem"), "-out", F("ca.pem"));
        foreach (var (name, ext) in new[]
                 {
                     ("server", $"subjectAltName=IP:{OverlayLab.EtcdIp}\nextendedKeyUsage=serverAuth,clientAuth\n"),
                     ("client", "extendedKeyUsage=clientAuth\n"),
                 })
        {
            File.WriteAllText(F(name + ".ext"), ext);
            Openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=cnit-" + name,
                "-keyout", F(name + "-key.pem"), "-out", F(name + ".csr"));
            Openssl("x509", "-req", "-in", F(name + ".csr"), "-CA", F("ca.pem"), "-CAkey", F("ca-key.pem"), "-CAcreateserial", "-days", "1",
                "-extfile", F(name + ".ext"), "-out", F(name + ".pem"));
        }
    }

    [SkippableFact]
    public void Agents_lease_and_learn_peers_over_tls_with_client_certificates()
    {
        Skip.IfNot(OverlayLab.HasEtcd, "etcd-server and etcd-client are not installed (scripts/deps.sh installs them)");
        Skip.IfNot(File.Exists(OverlayLab.AgentBinary), "overlay-agent is not built (scripts/build.sh)");
        Skip.IfNot(OverlayLab.HasVxlan, "this kernel has no vxlan module");
        Skip.If(Shell.Run("which", ["openssl"]).ExitCode != 0, "the openssl CLI is not installed");

        string certs = Directory.CreateTempSubdirectory("cnit-overlay-tls-").FullName;
        try
        {
            MakeCertificates(certs);
            using var lab = new OverlayLab(certs);
            lab.AddHost(1);
            lab.AddHost(2);
            lab.StartAgent(1);
            lab.StartAgent(2);
            string s1 = lab.WaitForSubnet(1), s2 = lab.WaitForSubnet(2);
            Assert.NotEqual(s1, s2);
            Assert.True(OverlayLab.Poll(() => lab.Hosts[OverlayLab.Node(1)].Ip("route", "show", s2).Stdout.Contains("vxlan", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10)));

            // Without a client certificate the server refuses: the agent never gets a subnet.
            lab.AgentFlags.RemoveRange(lab.AgentFlags.Count - 4, 4);
            lab.AgentFlags.AddRange(["--etcd-cafile", Path.Combine(certs, "ca.pem")]);
            lab.AddHost(3);
            lab.StartAgent(3);
            Assert.False(OverlayLab.Poll(() => lab.Subnet(3) is not null, TimeSpan.FromSeconds(4)));
            Assert.Contains("cannot register with etcd", File.ReadAllText(lab.AgentLog(3)));
        }
        finally
        {
            Directory.Delete(certs, recursive: true);
        }
    }
}
