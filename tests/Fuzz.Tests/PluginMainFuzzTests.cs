using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace CniPlugins.Fuzz.Tests;

/// <summary>
/// Every plugin's verbs on mutated configs (every plugin's seeds, with prevResults of every version and GC
/// attachment lists) and mutated CNI_ARGS, through PluginMain: the answer is always a result or a CNI error with a
/// known code and a message, never an escaped exception and never 999. Runs in <see cref="Sandbox"/>.
/// </summary>
public sealed class PluginMainFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Verbs = ["ADD", "DEL", "CHECK", "GC", "STATUS"];

    [Fact]
    public void The_sandbox_thread_sees_only_lo_and_cannot_write_outside_its_tmpfs()
    {
        var (links, rootWritable, tmpWritable, machineLinks) = Sandbox.Run(() =>
        {
            bool Writable(string path)
            {
                try
                {
                    File.WriteAllText(path, "x");
                    File.Delete(path);
                    return true;
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            }

            return (Sandbox.VisibleLinks(), Writable("/etc/cnit-fuzz-probe"), Writable("/tmp/cnit-fuzz-probe"), 0);
        });
        Assert.Equal(["lo"], links);
        Assert.False(rootWritable, "the sandbox's root must be read-only");
        Assert.True(tmpWritable, "the sandbox's /tmp is a tmpfs");
        Assert.False(File.Exists("/tmp/cnit-fuzz-probe"));
        Assert.Equal(0, machineLinks);
        Assert.NotEqual(["lo"], Sandbox.VisibleLinks()); // the test thread itself never moved
    }

    public static TheoryData<string> Plugins => new(PluginDriver.Plugins);

    [Theory]
    [MemberData(nameof(Plugins))]
    public void Mutated_configs_and_cni_args_get_a_result_or_a_cni_error(string plugin)
    {
        string target = $"PluginMain/{plugin}";
        var findings = new Findings(target);
        string[] machineLinksBefore = Sandbox.VisibleLinks();
        // The corpus is read before the sandbox is entered: it lays a tmpfs over /tmp, where a checkout may live.
        var seeds = Corpus.Configs.Select(c => c.Bytes).ToList();
        // Prevresults of every version spliced into a seed, so prevResult parsing is fuzzed through the verbs.
        foreach (var (version, result) in Corpus.Results)
        {
            string conf = $$"""{"cniVersion":"{{version}}","name":"fz","type":"{{plugin}}","ipam":{"type":"host-local","subnet":"10.9.0.0/24","dataDir":"/tmp/fz"},"prevResult":""";
            seeds.Add([.. Encoding.UTF8.GetBytes(conf), .. result, (byte)'}']);
        }

        var args = Corpus.CniArgs.Select(Encoding.UTF8.GetBytes).ToList();
        Sandbox.Run(() =>
        {
            var rng = FuzzSettings.Rng(target);
            var mutator = new Mutator(rng, seeds);
            var argsMutator = new Mutator(rng, args);
            string cniPath = Directory.CreateTempSubdirectory("cnit-fuzz-path-").FullName; // no IPAM plugin to delegate to
            while (findings.More())
            {
                byte[] seed = seeds[rng.Next(seeds.Count)];
                byte[] input = rng.Next(8) == 0 ? seed : mutator.Mutate(seed);
                byte[] argBytes = args[rng.Next(args.Count)];
                string cniArgs = rng.Next(4) == 0 ? Encoding.UTF8.GetString(argsMutator.Mutate(argBytes)) : rng.Next(3) == 0 ? Encoding.UTF8.GetString(argBytes) : "";
                string verb = Verbs[rng.Next(Verbs.Length)];
                PluginDriver.Outcome o;
                try
                {
                    o = PluginDriver.Run(plugin, verb, input, cniArgs, cniPath);
                }
                catch (Exception e)
                {
                    findings.Ran("escaped exception");
                    findings.Crash($"escaped {e.GetType().Name}", input, $"{verb} CNI_ARGS={cniArgs} ");
                    continue;
                }

                string? violation = PluginDriver.Violation(verb, o);
                findings.Ran(o.Exit == 0 ? "ok" : "error " + (violation is null ? ErrorCodeOf(o.Stdout) : "bad"));
                if (violation is not null)
                {
                    findings.Crash(violation, input, $"{verb} CNI_ARGS={cniArgs} ");
                }
            }

            return 0;
        });

        findings.Print(output);
        Assert.Equal(machineLinksBefore, Sandbox.VisibleLinks());
        Assert.Empty(findings.CrashClasses);
        Assert.True(findings.Iterations > 100, "the fuzzer barely ran");
    }

    private static string ErrorCodeOf(string stdout) =>
        System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("code").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
