using System.Runtime.InteropServices;

namespace CniPlugins.MultiCall;

/// <summary>
/// <c>wait</c>: sleeps until SIGTERM or SIGINT, then exits 0. The main container of a DaemonSet whose work was done
/// by its init container (install, install-config): a container that exits would be restarted in a loop. As PID 1
/// in a container the kernel delivers no signal without a handler, so the handlers are what makes it stoppable.
/// </summary>
internal static class WaitCommand
{
    public static int Run(string[] args)
    {
        if (args.Length > 0)
        {
            return Usage.Fail($"wait takes no arguments, got \"{args[0]}\"");
        }

        using var stop = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        stop.Wait();
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Set();
        }
    }
}
