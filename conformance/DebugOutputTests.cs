using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance;

/// <summary>
/// CNI_PLUGINS_DEBUG=1 on a published binary: a failed call prints its exception chain to stderr, down to the cause
/// the CNI error wraps. host-local DEL on a data directory below a regular file fails that way without needing any
/// namespace.
/// </summary>
public sealed class DebugOutputTests
{
    private static CniOutcome DelOnUnusableStore(bool debug)
    {
        string file = Path.GetTempFileName();
        try
        {
            string conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"cnit-debug\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\"," +
                "\"subnet\":\"10.99.0.0/24\",\"dataDir\":\"" + file + "/data\",\"indexDir\":\"" + file + "/index\"}}";
            var call = new CniCall("DEL") { ContainerId = "c1", IfName = "eth0" };
            if (debug)
            {
                call.Extra["CNI_PLUGINS_DEBUG"] = "1";
            }

            return Plugin.Exec(Paths.Ours("host-local"), call, conf);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Debug_prints_the_exception_chain_down_to_the_cause()
    {
        var outcome = DelOnUnusableStore(debug: true);
        Assert.Equal(5, outcome.ErrorCode);
        Assert.StartsWith("CniPlugins.Types.CniException: failed to open store", outcome.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"\ncaused by: System\.IO\.\w+Exception: ", outcome.Stderr);
        Assert.DoesNotContain("<unknown>", outcome.Stderr, StringComparison.Ordinal); // no empty frames
    }

    [Fact]
    public void Without_debug_stderr_stays_empty()
    {
        var outcome = DelOnUnusableStore(debug: false);
        Assert.Equal(5, outcome.ErrorCode);
        Assert.Equal("", outcome.Stderr);
    }
}
