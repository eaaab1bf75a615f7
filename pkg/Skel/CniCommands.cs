using CniPlugins.Types;

namespace CniPlugins.Skel;

/// <summary>
/// The verbs a plugin implements. A verb left null succeeds without doing anything, as in the reference
/// skeleton. ADD returns the result the skeleton prints in the config's version.
/// </summary>
public sealed class CniCommands
{
    public Func<CmdArgs, Result>? Add { get; init; }

    public Action<CmdArgs>? Del { get; init; }

    public Action<CmdArgs>? Check { get; init; }

    public Action<CmdArgs>? Gc { get; init; }

    public Action<CmdArgs>? Status { get; init; }
}
