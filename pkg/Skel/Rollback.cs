namespace CniPlugins.Skel;

/// <summary>
/// The undo half of an ADD transaction: each step that makes something registers how to unmake it, and unless
/// <see cref="Commit"/> is reached, disposing runs every undo, newest first. A failing undo is logged to stderr and
/// the next one still runs; the exception that caused the rollback is the one the runtime sees.
/// </summary>
/// <example><code>
/// using var rollback = new Rollback("bridge");
/// MakeVeth(); rollback.Add("delete veth", DeleteVeth);
/// ...
/// rollback.Commit();
/// </code></example>
public sealed class Rollback(string plugin, Action<string>? log = null) : IDisposable
{
    private readonly Stack<(string What, Action Undo)> _steps = new();
    private readonly Action<string> _log = log ?? (message => PluginLog.Warn(plugin, message));

    /// <summary>Registers the undo of a step that has just succeeded (or may have done part of its work).</summary>
    public void Add(string what, Action undo) => _steps.Push((what, undo));

    /// <summary>The transaction succeeded: nothing is undone.</summary>
    public void Commit() => _steps.Clear();

    public void Dispose()
    {
        while (_steps.TryPop(out var step))
        {
            try
            {
                step.Undo();
            }
            catch (Exception e)
            {
                _log($"rollback: {step.What} failed: {e.Message}");
            }
        }
    }
}
