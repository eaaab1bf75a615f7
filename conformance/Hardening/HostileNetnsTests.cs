using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.Hardening;

/// <summary>
/// CNI_NETNS naming something that is not a network namespace: every plugin answers at once with code 8 and
/// changes nothing. A FIFO is the sharp case: opening it for reading waits for a writer, forever.
/// </summary>
public sealed class HostileNetnsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-netns-").FullName;

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (string plugin in new[] { "loopback", "bridge", "macvlan" })
        {
            foreach (string kind in new[] { "fifo", "file", "directory", "device" })
            {
                data.Add(plugin, kind, false);
            }

            data.Add(plugin, "fifo", true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Anything_but_a_namespace_is_refused_at_once(string plugin, string kind, bool overrideCheck)
    {
        string path = Make(kind);
        string dataDir = Path.Join(_dir, "data");
        string conf = $$$"""{"cniVersion":"1.0.0","name":"hostile","type":"{{{plugin}}}","bridge":"cnitfifo0","master":"lo","ipam":{"type":"host-local","subnet":"10.78.0.0/24","dataDir":"{{{dataDir}}}","indexDir":"{{{dataDir}}}/.index"}}""";
        using var host = new TestNetns("host");
        foreach (string command in new[] { "ADD", "CHECK", "DEL" })
        {
            var call = CniCall.Add("c1", path).As(command);
            if (overrideCheck)
            {
                call = call with { Extra = new() { ["CNI_NETNS_OVERRIDE"] = "1" } };
            }

            // A plugin stuck in open(2) fails here by the harness's time limit instead of hanging the run.
            var o = Plugin.Exec(Paths.Ours(plugin), call, command == "CHECK" ? conf[..^1] + ",\"prevResult\":{}}" : conf, host);
            Assert.True(o.ErrorCode == 8, $"{plugin} {command} on a {kind}: {o}");
            Assert.Contains(path, o.ErrorMessage);
        }

        Assert.Empty(Directory.Exists(Path.Join(dataDir, "hostile")) ? Directory.GetFiles(Path.Join(dataDir, "hostile"), "10.*") : []);
        Assert.DoesNotContain("cnitfifo0", host.Ip("link", "show").Stdout);
    }

    private string Make(string kind)
    {
        string path = Path.Join(_dir, kind);
        switch (kind)
        {
            case "fifo":
                Shell.Run("mkfifo", [path]).EnsureSuccess("mkfifo");
                break;
            case "file":
                File.WriteAllText(path, "");
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            default:
                return "/dev/null";
        }

        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
