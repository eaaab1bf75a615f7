using System.Diagnostics;
using System.Globalization;
using CniPlugins.Conformance.Infrastructure;
using Xunit;

namespace CniPlugins.Conformance.MultiCall;

/// <summary><c>cni-plugins wait</c>: sleeps until SIGTERM or SIGINT, then exits 0 (a DaemonSet's idle main container).</summary>
public sealed class WaitTests : MultiCallBinary
{
    [SkippableTheory]
    [InlineData("TERM", 15)]
    [InlineData("INT", 2)]
    public void Wait_exits_0_on_the_signal(string name, int signal)
    {
        RequireMultiCall();
        using var wait = Process.Start(new ProcessStartInfo(Binary, ["wait"]) { UseShellExecute = false })!;
        try
        {
            WaitForHandler(wait.Id, signal);
            Assert.False(wait.WaitForExit(TimeSpan.FromMilliseconds(200)), "wait returned before any signal");

            Shell.Run("kill", ["-" + name, wait.Id.ToString(CultureInfo.InvariantCulture)]).EnsureSuccess("kill");
            Assert.True(wait.WaitForExit(TimeSpan.FromSeconds(10)), $"still running after SIG{name}");
            Assert.Equal(0, wait.ExitCode);
        }
        finally
        {
            if (!wait.HasExited)
            {
                wait.Kill();
            }
        }
    }

    /// <summary>
    /// Waits until the process catches <paramref name="signal"/> (its bit in /proc/PID/status SigCgt): a signal sent
    /// before the handler is installed would kill it, which is the runtime's start-up, not what is tested.
    /// </summary>
    private static void WaitForHandler(int pid, int signal)
    {
        for (int i = 0; i < 500; i++)
        {
            string? caught = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
            if (caught is not null && (Convert.ToUInt64(caught["SigCgt:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0)
            {
                return;
            }

            Thread.Sleep(10);
        }

        throw new InvalidOperationException($"process {pid} never caught signal {signal}");
    }
}
