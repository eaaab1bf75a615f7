namespace CniPlugins.Skel;

/// <summary>The process's environment and standard streams, injectable so tests can drive a plugin in-process.</summary>
public interface IPluginHost
{
    string? GetEnvironmentVariable(string name);

    Stream OpenStandardInput();

    Stream OpenStandardOutput();

    Stream OpenStandardError();
}

/// <summary>The real process.</summary>
public sealed class ProcessHost : IPluginHost
{
    public static readonly ProcessHost Instance = new();

    public string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);

    public Stream OpenStandardInput() => Console.OpenStandardInput();

    public Stream OpenStandardOutput() => Console.OpenStandardOutput();

    public Stream OpenStandardError() => Console.OpenStandardError();
}
