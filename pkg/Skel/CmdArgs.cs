namespace CniPlugins.Skel;

/// <summary>What the runtime handed the plugin: the CNI_* environment and the config bytes from stdin.</summary>
public sealed record CmdArgs
{
    public required string Command { get; init; }

    public string ContainerId { get; init; } = "";

    /// <summary>Path of the container's network namespace; may be empty on DEL.</summary>
    public string Netns { get; init; } = "";

    public string IfName { get; init; } = "";

    /// <summary>Raw CNI_ARGS (<c>K=V;K2=V2</c>); parse with <see cref="CniArgs"/>.</summary>
    public string Args { get; init; } = "";

    /// <summary>CNI_PATH: where delegated plugins (IPAM) are looked up.</summary>
    public string Path { get; init; } = "";

    /// <summary>The config exactly as read, passed unchanged to delegated plugins.</summary>
    public byte[] StdinData { get; init; } = [];

    /// <summary>The config's cniVersion, 0.1.0 when absent; results are printed in this version.</summary>
    public string CniVersion { get; init; } = Types.CniVersion.Default;

    public string NetworkName { get; init; } = "";
}
