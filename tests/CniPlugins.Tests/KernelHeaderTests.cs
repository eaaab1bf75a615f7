using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using CniPlugins.Netlink;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// The kernel and C library numbers the code spells out by hand (constants, struct sizes and offsets, the wire
/// layout of the netlink headers) against the installed headers: a C program compiled here prints what the headers
/// say, and every integer constant of <see cref="Interop"/> and <see cref="Rtnl"/> is compared with it, found by
/// reflection so a constant that is added is checked and one that is removed simply drops out.
/// </summary>
public sealed class KernelHeaderTests
{
    /// <summary>
    /// C# constants whose header spelling differs from their own name; every other constant is looked up in the
    /// headers under its own name.
    /// </summary>
    private static readonly Dictionary<string, string> s_headerNames = new()
    {
        ["Rtnl.NlMsgHdrLen"] = "NLMSG_HDRLEN",
        ["Interop.StatxNlinkOffset"] = "offsetof(struct statx, stx_nlink)",
        ["Interop.StatxModeOffset"] = "offsetof(struct statx, stx_mode)",
        ["Interop.StatxInoOffset"] = "offsetof(struct statx, stx_ino)",
        ["Interop.StatxCtimeOffset"] = "offsetof(struct statx, stx_ctime)",
        ["Interop.StatxMtimeOffset"] = "offsetof(struct statx, stx_mtime)",
        ["Interop.StatxDevMajorOffset"] = "offsetof(struct statx, stx_dev_major)",
        ["Interop.StatxDevMinorOffset"] = "offsetof(struct statx, stx_dev_minor)",
        ["Interop.StatxMaskOffset"] = "offsetof(struct statx, stx_mask)",
        ["Interop.StatxMntIdOffset"] = "offsetof(struct statx, stx_mnt_id)",
        // glibc's struct dirent64 is the kernel's linux_dirent64, which getdents64(2) fills.
        ["Interop.DirentInoOffset"] = "offsetof(struct dirent64, d_ino)",
        ["Interop.DirentReclenOffset"] = "offsetof(struct dirent64, d_reclen)",
        ["Interop.DirentNameOffset"] = "offsetof(struct dirent64, d_name)",
        // The header spells it ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER), an int; it masks the 16-bit nla_type.
        ["Rtnl.NLA_TYPE_MASK"] = "(unsigned short)NLA_TYPE_MASK",
        ["Ctnl.NfGenMsgLen"] = "sizeof(struct nfgenmsg)",
    };

    /// <summary>
    /// Constants of kernels newer than the headers of some build hosts (statmount, Linux 6.8): compared where the
    /// headers define the macro named first, left out elsewhere. <c>StatmountTests</c> checks them against the
    /// running kernel as well.
    /// </summary>
    private static readonly Dictionary<string, (string Guard, string Expression)> s_newerThanHeaders = new()
    {
        ["Interop.STATX_MNT_ID_UNIQUE"] = ("STATX_MNT_ID_UNIQUE", "STATX_MNT_ID_UNIQUE"),
        ["Interop.NR_statmount"] = ("__NR_statmount", "__NR_statmount"),
        ["Interop.STATMOUNT_FS_TYPE"] = ("STATMOUNT_FS_TYPE", "STATMOUNT_FS_TYPE"),
        ["Interop.MNT_ID_REQ_SIZE_VER0"] = ("MNT_ID_REQ_SIZE_VER0", "MNT_ID_REQ_SIZE_VER0"),
        ["Interop.StatmountMaskOffset"] = ("STATMOUNT_FS_TYPE", "offsetof(struct statmount, mask)"),
        ["Interop.StatmountFsTypeOffset"] = ("STATMOUNT_FS_TYPE", "offsetof(struct statmount, fs_type)"),
        ["Interop.StatmountStrOffset"] = ("STATMOUNT_FS_TYPE", "offsetof(struct statmount, str)"),
        ["Interop.StatmountBufferSize"] = ("STATMOUNT_FS_TYPE", "offsetof(struct statmount, str) + 512"),
    };

    /// <summary>Buffers handed to the C library: they need to be at least as large as what is written into them.</summary>
    private static readonly Dictionary<string, string[]> s_atLeast = new()
    {
        ["Interop.StatBufferSize"] = ["sizeof(struct stat)", "sizeof(struct statfs)"],
        ["Interop.PosixSpawnFileActionsSize"] = ["sizeof(posix_spawn_file_actions_t)"],
        ["Interop.PosixSpawnAttrSize"] = ["sizeof(posix_spawnattr_t)"],
        ["Interop.SigSetSize"] = ["sizeof(sigset_t)"],
    };

    /// <summary>Numbers the code writes inline rather than as named constants; where each is used.</summary>
    private static readonly (string Name, long Value, string Header)[] s_inline =
    [
        ("SIG_IGN (Interop.Spawn.cs)", 1, "(long long)(intptr_t)SIG_IGN"),
        ("Validation.MaxInterfaceNameLength", CniPlugins.Skel.Validation.MaxInterfaceNameLength, "IFNAMSIZ - 1"),
        ("offsetof(struct stat, st_dev) (Interop.Stat.cs)", 0, "offsetof(struct stat, st_dev)"),
        ("offsetof(struct stat, st_ino) (Interop.Stat.cs)", 8, "offsetof(struct stat, st_ino)"),
        ("offsetof(struct statfs, f_type) (Interop.Stat.cs)", 0, "offsetof(struct statfs, f_type)"),
        ("sizeof(struct sockaddr_nl)", System.Runtime.InteropServices.Marshal.SizeOf<Interop.SockaddrNl>(), "sizeof(struct sockaddr_nl)"),
        ("sizeof(struct timeval)", System.Runtime.InteropServices.Marshal.SizeOf<Interop.Timeval>(), "sizeof(struct timeval)"),
    ];

    private const string Includes = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <sched.h>
        #include <poll.h>
        #include <signal.h>
        #include <spawn.h>
        #include <stddef.h>
        #include <stdint.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/file.h>
        #include <sys/socket.h>
        #include <sys/stat.h>
        #include <sys/statfs.h>
        #include <sys/time.h>
        #include <sys/syscall.h>
        #include <time.h>
        #include <linux/mount.h>
        #include <linux/magic.h>
        #include <linux/netlink.h>
        #include <linux/rtnetlink.h>
        #include <linux/if.h>
        #include <linux/if_addr.h>
        #include <linux/if_link.h>
        #include <linux/if_bridge.h>
        #include <linux/neighbour.h>
        #include <linux/veth.h>
        #include <linux/netfilter/nfnetlink.h>
        #include <linux/netfilter/nfnetlink_conntrack.h>

        __attribute__((unused)) static void hex(const char *name, const void *p, size_t n)
        {
            printf("%s\t", name);
            for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)p)[i]);
            printf("\n");
        }

        """;

    /// <summary>Every integer constant of the classes that hold kernel and libc numbers, public or private, by qualified name.</summary>
    private static List<(string Name, long Value)> Constants()
    {
        var list = new List<(string, long)>();
        void Scan(Type type, string prefix)
        {
            foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (f.IsLiteral && f.GetRawConstantValue() is { } v and not string)
                {
                    list.Add(($"{prefix}.{f.Name}", Convert.ToInt64(v, CultureInfo.InvariantCulture)));
                }
            }

            foreach (var nested in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
            {
                Scan(nested, $"{prefix}.{nested.Name}");
            }
        }

        Scan(typeof(Interop), "Interop");
        Scan(typeof(Rtnl), "Rtnl");
        Scan(typeof(Ctnl), "Ctnl");
        return list;
    }

    private static string HeaderExpression(string qualified) =>
        s_headerNames.TryGetValue(qualified, out var e) ? e : qualified[(qualified.LastIndexOf('.') + 1)..];

    [SkippableFact]
    public void Constants_match_the_kernel_and_libc_headers()
    {
        var constants = Constants();
        var program = new StringBuilder(Includes).AppendLine("int main(void) {");
        foreach (var (name, _) in constants)
        {
            if (s_atLeast.TryGetValue(name, out var sizes))
            {
                for (int i = 0; i < sizes.Length; i++)
                {
                    program.AppendLine($"printf(\"{name}#{i}\\t%lld\\n\", (long long)({sizes[i]}));");
                }
            }
            else if (s_newerThanHeaders.TryGetValue(name, out var newer))
            {
                program.AppendLine($"#ifdef {newer.Guard}");
                program.AppendLine($"printf(\"{name}\\t%lld\\n\", (long long)({newer.Expression}));");
                program.AppendLine("#endif");
            }
            else
            {
                program.AppendLine($"printf(\"{name}\\t%lld\\n\", (long long)({HeaderExpression(name)}));");
            }
        }

        if (constants.Any(c => c.Name.Contains("Statx", StringComparison.Ordinal)) && constants.Any(c => c.Name == "Interop.StatBufferSize"))
        {
            // statx(2) writes a whole struct statx into the same stat buffer.
            program.AppendLine("printf(\"Interop.StatBufferSize#statx\\t%lld\\n\", (long long)sizeof(struct statx));");
        }

        foreach (var (name, _, expression) in s_inline)
        {
            program.AppendLine($"printf(\"{name}\\t%lld\\n\", (long long)({expression}));");
        }

        program.AppendLine("return 0; }");
        var header = CompileAndRun(program.ToString()).ToDictionary(l => l.Key, l => long.Parse(l.Value, CultureInfo.InvariantCulture));

        var wrong = new List<string>();
        int compared = 0;
        foreach (var (name, value) in constants)
        {
            if (s_atLeast.ContainsKey(name))
            {
                foreach (var (key, size) in header.Where(h => h.Key.StartsWith(name + "#", StringComparison.Ordinal)))
                {
                    compared++;
                    if (value < size)
                    {
                        wrong.Add($"{name} = {value}, but {key} needs {size}");
                    }
                }

                continue;
            }

            if (s_newerThanHeaders.ContainsKey(name) && !header.ContainsKey(name))
            {
                continue;
            }

            compared++;
            if (header[name] != value)
            {
                wrong.Add($"{name} = {value}, headers say {HeaderExpression(name)} = {header[name]}");
            }
        }

        foreach (var (name, value, expression) in s_inline)
        {
            compared++;
            if (header[name] != value)
            {
                wrong.Add($"{name} = {value}, headers say {expression} = {header[name]}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // Not vacuous: the reflection found the tables it is meant to check.
        Assert.True(compared > 150, $"only {compared} values compared");
        Assert.Contains(constants, c => c.Name == "Rtnl.IFLA_IFNAME");
        Assert.Contains(constants, c => c.Name == "Interop.Errno.ENOENT");
        Assert.Contains(constants, c => c.Name == "Interop.O_CLOEXEC");
    }

    /// <summary>
    /// The netlink headers the writer lays out and the parsers read, byte for byte against the C structs filled
    /// with distinct values, so a field at the wrong offset or of the wrong width shows.
    /// </summary>
    [SkippableFact]
    public void Netlink_header_layouts_match_the_kernel_structs()
    {
        var c = CompileAndRun(Includes + """
            int main(void) {
                struct nlmsghdr h; memset(&h, 0, sizeof h);
                h.nlmsg_type = 0x1122; h.nlmsg_flags = 0x3344; h.nlmsg_seq = 0x55667788;
                hex("nlmsghdr", &h, sizeof h);
                struct ifinfomsg i; memset(&i, 0, sizeof i);
                i.ifi_family = 0x11; i.ifi_type = 0x2233; i.ifi_index = 0x44556677; i.ifi_flags = 0x8899aabb; i.ifi_change = 0xccddeeff;
                hex("ifinfomsg", &i, sizeof i);
                struct { struct ifaddrmsg m; struct rtattr a; unsigned char ip[4]; } a; memset(&a, 0, sizeof a);
                a.m.ifa_family = AF_INET; a.m.ifa_prefixlen = 0x16; a.m.ifa_flags = 0x33; a.m.ifa_scope = 0x44; a.m.ifa_index = 0x55667788;
                a.a.rta_len = RTA_LENGTH(4); a.a.rta_type = IFA_LOCAL; a.ip[0] = 10; a.ip[1] = 1; a.ip[2] = 2; a.ip[3] = 3;
                hex("ifaddrmsg", &a.m, sizeof a.m);
                hex("ifaddrmsg+local", &a, sizeof a);
                struct rtmsg r; memset(&r, 0, sizeof r);
                r.rtm_family = 0x11; r.rtm_dst_len = 0x22; r.rtm_src_len = 0x33; r.rtm_table = 0x44; r.rtm_protocol = 0x55;
                r.rtm_scope = 0x66; r.rtm_type = 0x77; r.rtm_flags = 0x8899aabb;
                hex("rtmsg", &r, sizeof r);
                struct ndmsg n; memset(&n, 0, sizeof n);
                n.ndm_family = 0x11; n.ndm_ifindex = 0x22334455; n.ndm_state = 0x6677; n.ndm_flags = 0x88; n.ndm_type = 0x99;
                hex("ndmsg", &n, sizeof n);
                return 0;
            }
            """).ToDictionary(l => l.Key, l => Convert.FromHexString(l.Value));

        Span<byte> buf = stackalloc byte[64];
        var w = new NetlinkWriter(buf, 0x1122, 0x3344, 0x55667788);
        Assert.Equal(c["nlmsghdr"], buf[..Rtnl.NlMsgHdrLen].ToArray());
        w.IfInfoMsg(0x11, 0x44556677, 0x8899aabb, 0xccddeeff, 0x2233);
        Assert.Equal(c["ifinfomsg"], buf[Rtnl.NlMsgHdrLen..w.Length].ToArray());

        w = new NetlinkWriter(buf, 0, 0, 0);
        w.IfAddrMsg(Rtnl.AF_INET, 0x16, 0x33, 0x44, 0x55667788);
        Assert.Equal(c["ifaddrmsg"], buf[Rtnl.NlMsgHdrLen..w.Length].ToArray());

        w = new NetlinkWriter(buf, 0, 0, 0);
        w.RtMsg(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x8899aabb);
        Assert.Equal(c["rtmsg"], buf[Rtnl.NlMsgHdrLen..w.Length].ToArray());

        w = new NetlinkWriter(buf, 0, 0, 0);
        w.NdMsg(0x11, 0x22334455, 0x6677, 0x88, 0x99);
        Assert.Equal(c["ndmsg"], buf[Rtnl.NlMsgHdrLen..w.Length].ToArray());

        // And the same bytes read back by the parsers.
        Assert.True(Link.TryParse(Rtnl.RTM_NEWLINK, c["ifinfomsg"], out var link));
        Assert.Equal((0x44556677, 0x8899aabbu), (link.Index, link.Flags));
        Assert.True(Addr.TryParse(Rtnl.RTM_NEWADDR, c["ifaddrmsg+local"], out var addr));
        Assert.Equal(("10.1.2.3/22", 0x33u, (byte)0x44, 0x55667788), (addr.Address.ToString(), addr.Flags, addr.Scope, addr.LinkIndex));
        Assert.True(RouteEntry.TryParse(Rtnl.RTM_NEWROUTE, c["rtmsg"], out var route));
        Assert.Equal(((byte)0x11, 0x44u, (byte)0x55, (byte)0x66, (byte)0x77, 0x8899aabbu),
            (route.Family, route.Table, route.Protocol, route.Scope, route.Type, route.Flags));
        Assert.True(Neigh.TryParse(Rtnl.RTM_NEWNEIGH, c["ndmsg"], out var neigh));
        Assert.Equal(((byte)0x11, 0x22334455, (ushort)0x6677, (byte)0x88), (neigh.Family, neigh.LinkIndex, neigh.State, neigh.Flags));
    }

    /// <summary>stat(2) and fstatfs(2) as the code reads them (fields at hand-written offsets) against C's own reading.</summary>
    [SkippableFact]
    public void Stat_fields_read_at_the_offsets_the_kernel_writes_them()
    {
        string file = Path.GetTempFileName();
        try
        {
            string[] paths = [file, "/proc/self/ns/net", "/proc"];
            var c = CompileAndRun(Includes + """
                int main(int argc, char **argv) {
                    for (int i = 1; i < argc; i++) {
                        struct stat st; struct statfs fs;
                        if (stat(argv[i], &st) != 0 || statfs(argv[i], &fs) != 0) return 1;
                        printf("%s\t%llu:%llu:%lld\n", argv[i], (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (long long)fs.f_type);
                    }
                    return 0;
                }
                """, paths);
            foreach (string path in paths)
            {
                Assert.True(Interop.TryStatId(path, out var id));
                using var handle = Interop.Open(path, Interop.O_RDONLY);
                long type = Interop.FStatFsType(handle, path);
                Assert.Equal(c[path], $"{id.Dev}:{id.Ino}:{type}");
            }

            Assert.EndsWith($":{Interop.NSFS_MAGIC}", c["/proc/self/ns/net"]);
            Assert.EndsWith($":{Interop.PROC_SUPER_MAGIC}", c["/proc"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Compiles <paramref name="source"/> with gcc and runs it; its output lines as key TAB value pairs.</summary>
    private static Dictionary<string, string> CompileAndRun(string source, params string[] args)
    {
        string? gcc = FindOnPath("gcc");
        Skip.If(gcc is null, "gcc is not installed (scripts/deps.sh installs it)");
        Skip.IfNot(File.Exists("/usr/include/linux/rtnetlink.h"), "the kernel headers are not installed (linux-libc-dev; scripts/deps.sh installs it)");
        string dir = Directory.CreateTempSubdirectory("coretest-headers-").FullName;
        try
        {
            string src = Path.Combine(dir, "probe.c");
            string exe = Path.Combine(dir, "probe");
            File.WriteAllText(src, source);
            string compiled = Run(gcc!, ["-Wall", "-Werror", "-o", exe, src]);
            Assert.True(File.Exists(exe), compiled);
            return Run(exe, args).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('\t', 2))
                .ToDictionary(p => p[0], p => p[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} failed ({p.ExitCode}): {stderr.Result}{stdout}");
        return stdout;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
