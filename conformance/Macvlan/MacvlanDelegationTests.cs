using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Macvlan;

/// <summary>
/// STATUS and GC (spec 1.1.0, which the reference IPAM 1.1.1 does not accept) are checked against a recording
/// stand-in IPAM: a script that logs each verb and the config it got.
/// </summary>
public sealed class MacvlanDelegationTests : IDisposable
{
    private static readonly string Ours = MacvlanTests.Ours;
    private readonly string _ipamDir = Directory.CreateTempSubdirectory("cnit-fake-ipam-").FullName;

    public MacvlanDelegationTests()
    {
        string script = Path.Combine(_ipamDir, "fake-ipam");
        File.WriteAllText(script, """
            #!/bin/sh
            dir=$(dirname "$0")
            echo "$CNI_COMMAND" >> "$dir/calls.log"
            cat > "$dir/$CNI_COMMAND.stdin"
            if [ "$CNI_COMMAND" = STATUS ] && [ -e "$dir/unavailable" ]; then
              echo '{"code":50,"msg":"fake ipam not ready"}'
              exit 1
            fi
            exit 0
            """.Replace("\r", ""));
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string[] Calls => File.Exists(Path.Combine(_ipamDir, "calls.log"))
        ? File.ReadAllLines(Path.Combine(_ipamDir, "calls.log"))
        : [];

    private static string Conf(string ipamType) =>
        $$$"""{"cniVersion":"1.1.0","name":"{{{MacvlanLab.NetName}}}","type":"macvlan","master":"{{{MacvlanLab.Master}}}","ipam":{"type":"{{{ipamType}}}"}}""";

    [Fact]
    public void Gc_is_forwarded_to_ipam_with_the_valid_attachments()
    {
        using var lab = new MacvlanLab();
        string conf = Conf("fake-ipam")[..^1] + ""","cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"}]}""";
        var r = lab.Run(Ours, new CniCall("GC") { CniPath = _ipamDir }, conf);
        Assert.True(r.Success, r.ToString());
        Assert.Equal(["GC"], Calls);
        Assert.Contains("\"containerID\":\"c1\"", File.ReadAllText(Path.Combine(_ipamDir, "GC.stdin")));
    }

    [Fact]
    public void Status_is_forwarded_to_ipam_and_its_error_returned()
    {
        using var lab = new MacvlanLab();
        var ok = lab.Run(Ours, new CniCall("STATUS") { CniPath = _ipamDir }, Conf("fake-ipam"));
        Assert.True(ok.Success, ok.ToString());

        File.WriteAllText(Path.Combine(_ipamDir, "unavailable"), "");
        var down = lab.Run(Ours, new CniCall("STATUS") { CniPath = _ipamDir }, Conf("fake-ipam"));
        Assert.Equal(50, down.ErrorCode);
        Assert.Equal("fake ipam not ready", down.ErrorMessage);
        Assert.Equal(["STATUS", "STATUS"], Calls);
    }

    [Fact]
    public void Status_reports_a_missing_master_as_not_available()
    {
        using var lab = new MacvlanLab();
        string conf = Conf("fake-ipam").Replace($"\"master\":\"{MacvlanLab.Master}\"", "\"master\":\"nosuch0\"");
        var r = lab.Run(Ours, new CniCall("STATUS") { CniPath = _ipamDir }, conf);
        Assert.Equal(50, r.ErrorCode);
        Assert.Contains("failed to lookup master \"nosuch0\"", r.ErrorMessage);
    }

    [Fact]
    public void Status_and_gc_without_ipam_succeed_without_delegating()
    {
        using var lab = new MacvlanLab();
        string conf = $$"""{"cniVersion":"1.1.0","name":"{{MacvlanLab.NetName}}","type":"macvlan","master":"{{MacvlanLab.Master}}"}""";
        Assert.True(lab.Run(Ours, new CniCall("STATUS") { CniPath = _ipamDir }, conf).Success);
        Assert.True(lab.Run(Ours, new CniCall("GC") { CniPath = _ipamDir }, conf).Success);
        Assert.Empty(Calls);
    }

    public void Dispose() => Directory.Delete(_ipamDir, recursive: true);
}
