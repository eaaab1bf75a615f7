using System.Text;
using CniPlugins.Fs;

namespace CniPlugins.Skel;

/// <summary>
/// Free-form diagnostics on stderr, which runtimes log; stdout carries only the result or the error JSON.
/// Written straight to descriptor 2 (System.Console would start its signal thread).
/// </summary>
public static class PluginLog
{
    public static void Warn(string plugin, string message)
    {
        using var stderr = new FdStream(2, ownsFd: false);
        stderr.Write(Encoding.UTF8.GetBytes($"{plugin}: {message}\n"));
    }
}
