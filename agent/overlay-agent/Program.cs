using System.Runtime.InteropServices;
using CniPlugins.OverlayAgent;
using CniPlugins.OverlayAgent.Etcd;
using CniPlugins.Types;

AgentOptions opt;
try
{
    opt = AgentOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"overlay-agent: {e.Message} (see --help)");
    return 2;
}

if (opt.Help)
{
    Console.Out.Write(AgentOptions.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();

// SIGTERM and SIGINT stop the loops; the kernel state and the lease stay (the node keeps forwarding, and a restart
// within the TTL finds its record again).
void OnSignal(PosixSignalContext ctx)
{
    ctx.Cancel = true;
    Log.Info($"{ctx.Signal}: stopping; kernel state and lease left as they are");
    stop.Cancel();
}

using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var etcd = new EtcdGateway(opt.Endpoints, opt.CaFile, opt.CertFile, opt.KeyFile);
try
{
    if (opt.Command == "leave")
    {
        await Leave.RunAsync(opt, etcd, stop.Token);
    }
    else
    {
        await new Agent(opt, etcd).RunAsync(stop.Token);
    }

    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
catch (Exception e) when (e is CniException or EtcdException or CniPlugins.Netlink.NetlinkException)
{
    Log.Error(e is CniException c && c.Details is { Length: > 0 } d ? $"{e.Message} ({d})" : e.Message);
    return 1;
}
