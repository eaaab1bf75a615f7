using System.Diagnostics;
using System.Net;
using CniPlugins.Netlink;
using CniPlugins.Ns;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>A scratch network namespace made with "ip netns add" and always deleted; never the root namespace.</summary>
public sealed class ScratchNetns : IDisposable
{
    public ScratchNetns()
    {
        Name = $"coretest-{Guid.NewGuid().ToString("N")[..8]}-x";
        Ip("netns", "add", Name);
    }

    public string Name { get; }

    public string Path => $"/var/run/netns/{Name}";

    public void Dispose() => Ip("netns", "delete", Name);

    public static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {error}");
    }

    private static void Ip(params string[] args) => Run("ip", args);
}

/// <summary>NetNs and RtnlHandle against the real kernel, inside a scratch namespace.</summary>
public sealed class NetNsKernelTests : IDisposable
{
    private readonly ScratchNetns _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Open_missing_path_throws_not_found()
    {
        var path = $"/var/run/netns/{_scratch.Name}-missing";
        var e = Assert.Throws<NetNsNotFoundException>(() => NetNs.Open(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Open_regular_file_is_refused()
    {
        var file = System.IO.Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<CniException>(() => NetNs.Open(file));
            Assert.Equal(ErrorCode.InvalidNetNs, e.Code);
            Assert.Contains("not a network namespace", e.Message);
            Assert.Contains("unknown FS magic", e.Details);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Open_fifo_is_refused_without_blocking()
    {
        // Opening a FIFO for reading waits for a writer; the check must come before any open. Run on a thread so
        // that a regression fails the test instead of hanging the run.
        string dir = Directory.CreateTempSubdirectory("cni-netns-fifo").FullName;
        string fifo = System.IO.Path.Join(dir, "ns");
        Thread? opener = null;
        try
        {
            Assert.Equal(0, Mkfifo(fifo, 0x180));
            Exception? failure = null;
            opener = new Thread(() => failure = Record.Exception(() => NetNs.Open(fifo))) { IsBackground = true };
            opener.Start();
            Assert.True(opener.Join(TimeSpan.FromSeconds(30)), "NetNs.Open blocked on a FIFO");
            var e = Assert.IsType<CniException>(failure);
            Assert.Equal(ErrorCode.InvalidNetNs, e.Code);
        }
        finally
        {
            if (opener is { IsAlive: true })
            {
                // A reader is stuck in open(2): a writer releases it (and, with a reader there, does not block).
                using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, int mode);

    [Fact]
    public void Run_executes_inside_the_namespace()
    {
        using var ns = NetNs.Open(_scratch.Path);
        string inode = ScratchNetns.Run("stat", "-L", "-c", "%i", _scratch.Path).Trim();
        string inside = ns.Run(() => new FileInfo("/proc/thread-self/ns/net").LinkTarget!);
        string outside = new FileInfo("/proc/thread-self/ns/net").LinkTarget!;
        Assert.Equal($"net:[{inode}]", inside);
        Assert.NotEqual(inside, outside);
    }

    [Fact]
    public void Run_rethrows_the_body_exception_and_leaves_the_caller_where_it_was()
    {
        using var ns = NetNs.Open(_scratch.Path);
        string before = new FileInfo("/proc/thread-self/ns/net").LinkTarget!;
        var e = Assert.Throws<InvalidOperationException>(() => ns.Run(() => throw new InvalidOperationException("inside")));
        Assert.Equal("inside", e.Message);
        Assert.Equal(before, new FileInfo("/proc/thread-self/ns/net").LinkTarget);
    }

    [Fact]
    public void Namespace_identity_is_by_device_and_inode_not_by_path()
    {
        // Other names for this process's own namespace and for the scratch one: symlinks in a temp directory,
        // so a check that compared path strings (or a path with itself) cannot pass.
        string dir = Directory.CreateTempSubdirectory("coretest-ns-").FullName;
        try
        {
            string own = System.IO.Path.Combine(dir, "own");
            File.CreateSymbolicLink(own, $"/proc/{Environment.ProcessId}/ns/net");
            string scratch = System.IO.Path.Combine(dir, "scratch");
            File.CreateSymbolicLink(scratch, _scratch.Path);
            string plain = System.IO.Path.Combine(dir, "plain");
            File.WriteAllText(plain, "");

            Assert.True(NetNs.IsPluginOwnNamespace(own));
            Assert.False(NetNs.IsPluginOwnNamespace(_scratch.Path));
            Assert.False(NetNs.IsPluginOwnNamespace(scratch));
            Assert.False(NetNs.IsPluginOwnNamespace(plain));
            Assert.False(NetNs.IsPluginOwnNamespace(_scratch.Path + "-missing"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Veth_bridge_address_and_route_round_trip_through_the_kernel()
    {
        using var ns = NetNs.Open(_scratch.Path);
        using var rtnl = RtnlHandle.OpenIn(ns);

        // This machine's kernel lacks CONFIG_BRIDGE_VLAN_FILTERING (iproute2 gets EOPNOTSUPP too), so no vlan_filtering.
        rtnl.BridgeAdd("br0", 1400, vlanFiltering: false);
        rtnl.VethAdd("veth0", "eth0", 1400, null, peerNetnsFd: -1);
        var br = rtnl.GetLinkByName("br0");
        var veth = rtnl.GetLinkByName("veth0");
        var peer = rtnl.GetLinkByName("eth0");
        Assert.Equal(("bridge", 1400), (br.Kind, br.Mtu));
        Assert.Equal(0u, Link.InfoAttr(br.InfoData, Rtnl.IFLA_BR_VLAN_FILTERING));
        Assert.Equal("veth", veth.Kind);
        Assert.Equal(peer.Index, veth.ParentIndex);

        rtnl.LinkSetMaster(veth.Index, br.Index);
        rtnl.BridgePortSetHairpin(veth.Index, true);
        rtnl.LinkSetUp(br.Index);
        rtnl.LinkSetUp(veth.Index);
        rtnl.LinkSetUp(peer.Index);
        veth = rtnl.GetLinkByIndex(veth.Index);
        Assert.Equal(br.Index, veth.MasterIndex);
        Assert.Equal("bridge", veth.SlaveKind);
        Assert.Equal(1u, Link.InfoAttr(veth.InfoSlaveData, Rtnl.IFLA_BRPORT_MODE));
        Assert.True(veth.IsUp);

        rtnl.AddrAdd(peer.Index, CidrAddress.Parse("10.77.0.5/24"));
        rtnl.AddrAdd(peer.Index, CidrAddress.Parse("fd77::5/64"), flags: 0x02);
        var addrs = rtnl.AddrList(peer.Index);
        var v4 = Assert.Single(addrs, a => a.Address.IsIPv4);
        Assert.Equal("10.77.0.5/24", v4.Address.ToString());
        Assert.Equal(IPAddress.Parse("10.77.0.255"), v4.Broadcast);
        Assert.Contains(addrs, a => a.Address.ToString() == "fd77::5/64");

        rtnl.RouteAdd(new RouteEntry
        {
            Dst = CidrAddress.Parse("10.88.0.0/16"),
            Gateway = IPAddress.Parse("10.77.0.1"),
            OutputIndex = peer.Index,
            Mtu = 1300,
        });
        var route = Assert.Single(rtnl.RouteList(Interop.AF_INET), r => r.Dst?.ToString() == "10.88.0.0/16");
        Assert.Equal((IPAddress.Parse("10.77.0.1"), peer.Index, 1300u), (route.Gateway, route.OutputIndex, route.Mtu));

        var exists = Assert.Throws<NetlinkException>(() => rtnl.BridgeAdd("br0", 0, false));
        Assert.True(exists.IsExists);

        rtnl.LinkDel(veth.Index);
        Assert.Null(rtnl.TryGetLinkByName("veth0"));
        Assert.Null(rtnl.TryGetLinkByName("eth0"));
        Assert.Throws<LinkNotFoundException>(() => rtnl.GetLinkByName("veth0"));
        Assert.DoesNotContain(rtnl.RouteList(Interop.AF_INET), r => r.Dst?.ToString() == "10.88.0.0/16");
    }

    [Fact]
    public void Handle_opened_in_a_namespace_stays_there()
    {
        using var ns = NetNs.Open(_scratch.Path);
        using var rtnl = RtnlHandle.OpenIn(ns);
        var links = rtnl.LinkList();
        var lo = Assert.Single(links);
        Assert.Equal("lo", lo.Name);
    }
}
