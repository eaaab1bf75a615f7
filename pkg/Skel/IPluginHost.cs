namespace CniPlugins.Skel;

/// <summary>The process's environment and standard streams, injectable so tests can drive a plugin in-process.</summary>
public interface IPluginHost
{
    string? GetEnvironmentVariable(string name);

    Stream OpenStandardInput();

    Stream OpenStandardOutput();

    Stream OpenStandardError();
}

/// <summary>The real process, its standard streams straight on descriptors 0-2 (see <see cref="Fs.FdStream"/>).</summary>
public sealed class ProcessHost : IPluginHost
{
    public static readonly ProcessHost Instance = new();

    public string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);

    public Stream OpenStandardInput() => new Fs.FdStream(0, ownsFd: false);

    public Stream OpenStandardOutput() => new Fs.FdStream(1, ownsFd: false);

    public Stream OpenStandardError() => new Fs.FdStream(2, ownsFd: false);
}
