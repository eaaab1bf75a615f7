using CniPlugins.Conformance.Infrastructure;
using Xunit;
using static CniPlugins.Conformance.HostLocal.HostLocalStore;

namespace CniPlugins.Conformance.HostLocal;

/// <summary>
/// What the dataDir holds after our runs is exactly what the reference leaves for the same calls — names,
/// contents and modes — and nothing in it remembers a deleted container.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostLocalStoreLayoutTests
{
    private const string Ipam = """ "ranges":[[{"subnet":"10.95.0.0/24"}],[{"subnet":"fd00:95::/64"}]]""";

    [Fact]
    public void The_data_dir_equals_the_references_after_the_same_calls_and_forgets_deleted_containers()
    {
        using var ours = new HostLocalStore();
        using var reference = new HostLocalStore();
        var calls = new (string Verb, string Id, string IfName)[]
        {
            ("ADD", "container-alpha-0001", "eth0"), ("ADD", "container-bravo-0002", "eth0"),
            ("ADD", "container-alpha-0001", "net1"), ("ADD", "container-charlie-0003", "eth0"),
            ("DEL", "container-bravo-0002", "eth0"), ("ADD", "container-delta-0004", "eth0"),
            ("DEL", "container-alpha-0001", "eth0"), ("DEL", "container-alpha-0001", "net1"),
            ("ADD", "container-echo-0005", "eth0"), ("DEL", "container-charlie-0003", "eth0"),
        };
        foreach (var (verb, id, ifName) in calls)
        {
            var o = Run(Ours, verb, id, ours.Conf("1.0.0", Ipam), ifName);
            var r = Run(Ref, verb, id, reference.Conf("1.0.0", Ipam), ifName);
            Assert.True(o.Success && r.Success, $"{verb} {id}: ours {o}; reference {r}");
        }

        Assert.Equal(Describe(reference.Tree()), Describe(ours.Tree()));
        Assert.Equal(Modes(reference), Modes(ours));
        foreach (string gone in new[] { "container-alpha-0001", "container-bravo-0002", "container-charlie-0003" })
        {
            Assert.Empty(Grep(ours.DataDir, gone));
        }

        Assert.NotEmpty(Grep(ours.DataDir, "container-echo-0005"));

        // Removing the network directory removes every trace of it, and the next run starts afresh.
        Directory.Delete(ours.NetDir, recursive: true);
        Assert.Empty(Directory.EnumerateFileSystemEntries(ours.DataDir));
        var again = Run(Ours, "ADD", "container-echo-0005", ours.Conf("1.0.0", Ipam));
        Assert.True(again.Success, again.ToString());
        Assert.True(Run(Ours, "DEL", "container-echo-0005", ours.Conf("1.0.0", Ipam)).Success);
        Assert.Empty(ours.Reservations());
    }

    [Fact]
    public void The_index_a_previous_version_kept_in_the_data_dir_is_removed_on_first_use()
    {
        using var store = new HostLocalStore();
        string legacy = Path.Combine(store.DataDir, ".host-local-index");
        Directory.CreateDirectory(Path.Combine(legacy, Network));
        File.WriteAllText(Path.Combine(legacy, Network, "spare.0"), "long-gone-container\r\neth0");
        File.WriteAllText(Path.Combine(legacy, Network, "stamp"), "00000000000000000000");
        Directory.CreateDirectory(Path.Combine(legacy, "othernet"));
        File.WriteAllText(Path.Combine(legacy, "othernet", "k-0123456789abcdef"), "10.1.0.2\n");

        Assert.True(Run(Ours, "ADD", "c1", store.Conf("1.0.0", Ipam)).Success);
        Assert.False(Directory.Exists(legacy));
        Assert.Empty(Grep(store.DataDir, "long-gone-container"));
    }

    [NeedsToolsFact("strace")]
    public void A_run_killed_at_any_write_leaves_whole_files_and_a_cursor_that_is_old_new_or_empty()
    {
        using var store = new HostLocalStore();
        const string v4 = """ "ranges":[[{"subnet":"10.96.0.0/24"}]]""";
        string conf = store.Conf("1.0.0", v4);
        Assert.True(Run(Ours, "ADD", "bystander", conf).Success);
        string cursor = Path.Combine(store.NetDir, "last_reserved_ip.0");
        int killed = 0;
        foreach (string call in new[] { "write", "pwrite64", "ftruncate", "linkat", "link", "unlinkat", "openat", "renameat2" })
        {
            for (int when = 1; when <= 12; when++)
            {
                // A longer address than the one this ADD writes, as the reference may have left it.
                File.WriteAllText(cursor, "10.96.0.25");
                if (KilledAt(call, when, conf, "victim"))
                {
                    killed++;
                }

                string left = File.ReadAllText(cursor);
                Assert.True(left is "10.96.0.25" or "10.96.0.3" or "", $"killed at {call} #{when}: cursor reads \"{left}\"");
                foreach (var (name, content) in store.Reservations())
                {
                    Assert.True(content is "bystander\r\neth0" or "victim\r\neth0", $"killed at {call} #{when}: {name} = \"{content}\"");
                }

                Assert.True(Run(Ours, "DEL", "victim", conf).Success);
                Assert.Equal(["10.96.0.2"], store.Reservations().Keys);
                Assert.Empty(Grep(store.DataDir, "victim"));
            }
        }

        Assert.True(killed > 10, $"only {killed} runs were killed: the injection did not take");
    }

    internal static List<string> Grep(string dir, string text) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(text, StringComparison.Ordinal) ||
                (File.Exists(f) && new FileInfo(f).LinkTarget is null && File.ReadAllText(f).Contains(text, StringComparison.Ordinal)))
            .ToList();

    private static string Modes(HostLocalStore s) =>
        string.Join("\n", Directory.EnumerateFileSystemEntries(s.DataDir, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(s.DataDir, f) + " " + HostLocalStoreSafetyTests.Mode(f)));

    /// <summary>
    /// An ADD of <paramref name="id"/> requesting 10.96.0.3, killed (SIGKILL, by strace's fault injection) on its
    /// <paramref name="when"/>-th <paramref name="call"/>; true if it was killed rather than finished.
    /// </summary>
    private static bool KilledAt(string call, int when, string conf, string id)
    {
        var output = Shell.Run("strace", ["-f", "-qq", "-o", "/dev/null", "-e", "trace=" + call, "-e", $"inject={call}:signal=KILL:when={when}", Ours], conf, Env("ADD", id, "IP=10.96.0.3"));
        return output.ExitCode == 128 + 9; // strace exits as its tracee did: 128 + SIGKILL

    }
}
