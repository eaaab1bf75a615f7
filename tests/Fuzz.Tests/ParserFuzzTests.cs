using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using CniPlugins.Netlink;
using CniPlugins.Skel;
using CniPlugins.Types;
using Xunit;
using Xunit.Abstractions;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// The pure parsers on their own: CNI_ARGS, results of every version converted to every version, and the netlink
/// reply readers over replies captured from this kernel (corpus/netlink/capture.py). Each either answers or refuses
/// with the exception its callers expect (CniException; for netlink InvalidDataException or NetlinkException).
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Versions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    [Fact]
    public void Cni_args_parse_or_refuse_with_a_cni_error()
    {
        var findings = new Findings("CniArgs");
        var rng = FuzzSettings.Rng("CniArgs");
        var seeds = Corpus.CniArgs.Select(Encoding.UTF8.GetBytes).ToList();
        var mutator = new Mutator(rng, seeds);
        while (findings.More())
        {
            byte[] input = mutator.Mutate(seeds[rng.Next(seeds.Count)]);
            try
            {
                _ = CniArgs.Parse(Encoding.UTF8.GetString(input), "IP", "MAC");
                findings.Ran("ok");
            }
            catch (CniException e) when (e.Code != ErrorCode.Internal && e.Message.Length > 0)
            {
                findings.Ran($"error {e.Code}");
            }
            catch (Exception e)
            {
                findings.Ran("crash");
                findings.Crash($"{e.GetType().Name}: {e.Message}", input);
            }
        }

        findings.Print(output);
        Assert.Empty(findings.CrashClasses);
    }

    [Fact]
    public void Results_of_every_version_convert_to_every_version_or_refuse_with_a_cni_error()
    {
        var findings = new Findings("Results");
        var rng = FuzzSettings.Rng("Results");
        var results = Corpus.Results;
        var mutator = new Mutator(rng, results.Select(r => r.Bytes).ToList());
        while (findings.More())
        {
            var (version, seed) = results[rng.Next(results.Count)];
            byte[] input = rng.Next(8) == 0 ? seed : mutator.Mutate(seed);
            string readAs = rng.Next(4) == 0 ? Versions[rng.Next(Versions.Length)] : version;
            string writeAs = Versions[rng.Next(Versions.Length)];
            try
            {
                var result = ResultJson.Parse(input, readAs);
                _ = ResultJson.Serialize(result, writeAs);
                findings.Ran("ok");
            }
            catch (CniException e) when (e.Message.Length > 0)
            {
                // 999 here is deliberate: a result with no address a 0.1/0.2 shape can hold, refused as the reference does.
                findings.Ran($"error {e.Code}");
            }
            catch (Exception e)
            {
                findings.Ran("crash");
                string cls = $"{e.GetType().Name}: {string.Join(' ', e.Message.Split(' ').Take(6))}";
                findings.Crash(e is NullReferenceException ? "result without address " + cls : cls, input, $"{readAs}->{writeAs} ");
            }
        }

        findings.Print(output);
        Assert.Empty(findings.CrashClasses);
    }

    [Fact]
    public void Host_local_config_reader_loads_or_refuses_with_a_cni_error()
    {
        // The reader is internal to the plugin; looked up by name like the verbs (see PluginDriver).
        var load = Assembly.Load("host-local").GetType("CniPlugins.HostLocal.Config.ConfigLoader", throwOnError: true)!
            .GetMethod("Load", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(byte[]), typeof(string)])
            ?? throw new MissingMethodException("ConfigLoader.Load(byte[], string)");
        var findings = new Findings("HostLocalConfig");
        var rng = FuzzSettings.Rng("HostLocalConfig");
        var seeds = Corpus.Configs.Select(c => c.Bytes).ToList();
        var args = Corpus.CniArgs;
        var mutator = new Mutator(rng, seeds);
        while (findings.More())
        {
            byte[] input = mutator.Mutate(seeds[rng.Next(seeds.Count)]);
            string cniArgs = rng.Next(3) == 0 ? args[rng.Next(args.Count)] : "";
            try
            {
                _ = load.Invoke(null, [input, cniArgs]);
                findings.Ran("ok");
            }
            catch (TargetInvocationException t) when (t.InnerException is CniException e && e.Code != ErrorCode.Internal && e.Message.Length > 0)
            {
                findings.Ran($"error {e.Code}");
            }
            catch (TargetInvocationException t)
            {
                var e = t.InnerException ?? t;
                findings.Ran("crash");
                string cls = e is CniException c ? $"999 {c.Message}" : $"999 {e.GetType().FullName}: {string.Join(' ', e.Message.Split(' ').Take(4))}";
                findings.Crash(cls, input, $"CNI_ARGS={cniArgs} ");
            }
        }

        findings.Print(output);
        Assert.Empty(findings.CrashClasses);
    }

    [Fact]
    public void Netlink_replies_parse_or_refuse_with_invalid_data()
    {
        var findings = new Findings("Netlink");
        var rng = FuzzSettings.Rng("Netlink");
        var dumps = Corpus.NetlinkDumps;
        Assert.NotEmpty(dumps);
        var mutator = new Mutator(rng, dumps.SelectMany(d => d.Datagrams).ToList());
        var ctor = typeof(RtnlHandle).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(INetlinkTransport), typeof(uint)])
            ?? throw new MissingMethodException("RtnlHandle(INetlinkTransport, uint)");
        while (findings.More())
        {
            var (name, datagrams) = dumps[rng.Next(dumps.Count)];
            var replay = datagrams.Select(d => rng.Next(3) == 0 ? mutator.Mutate(d) : d).ToList();
            var transport = new ReplayTransport(replay, keepSeq: rng.Next(10) == 0);
            using var handle = (RtnlHandle)ctor.Invoke([transport, 1u]);
            try
            {
                int n = name switch
                {
                    "link-dump" => handle.LinkList().Count,
                    "addr-dump" => handle.AddrList().Count,
                    "route4-dump" => handle.RouteList(2).Count,
                    "route6-dump" => handle.RouteList(10).Count,
                    _ => handle.NeighList(2).Count,
                };
                findings.Ran("ok");
            }
            catch (Exception e) when (e is InvalidDataException or NetlinkException)
            {
                findings.Ran(e.GetType().Name);
            }
            catch (Exception e)
            {
                findings.Ran("crash");
                findings.Crash($"{name} {e.GetType().Name}: {string.Join(' ', e.Message.Split(' ').Take(6))}", [.. replay.SelectMany(d => d)]);
            }
        }

        findings.Print(output);
        Assert.Empty(findings.CrashClasses);
    }

    /// <summary>Plays back captured datagrams as the answer to whatever is asked, with the request's sequence number.</summary>
    private sealed class ReplayTransport(List<byte[]> datagrams, bool keepSeq) : INetlinkTransport
    {
        private readonly Queue<byte[]> _pending = new();

        public uint PortId => 0;

        public void Send(ReadOnlySpan<byte> message)
        {
            uint seq = BinaryPrimitives.ReadUInt32LittleEndian(message[8..]);
            foreach (byte[] d in datagrams)
            {
                byte[] copy = (byte[])d.Clone();
                for (long off = 0; !keepSeq && off + 16 <= copy.Length;)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan((int)off + 8), seq);
                    long len = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan((int)off));
                    if (len < 16)
                    {
                        break;
                    }

                    off += (len + 3) & ~3L;
                }

                _pending.Enqueue(copy);
            }

            // Whatever the mutations did to the end of the dump, the reader gets a final NLMSG_DONE.
            byte[] done = new byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(done, 20);
            BinaryPrimitives.WriteUInt16LittleEndian(done.AsSpan(4), 3);
            BinaryPrimitives.WriteUInt32LittleEndian(done.AsSpan(8), seq);
            _pending.Enqueue(done);
        }

        public (int Length, bool FromKernel) Receive(Span<byte> buffer)
        {
            byte[] next = _pending.Count > 0 ? _pending.Dequeue() : throw new InvalidDataException("the reader asked past the end of the dump");
            int n = Math.Min(next.Length, buffer.Length);
            next.AsSpan(0, n).CopyTo(buffer);
            return (n, true);
        }

        public void Dispose()
        {
        }
    }
}
