using System.Text;

namespace CniPlugins.Skel;

/// <summary>
/// What <c>CNI_PLUGINS_DEBUG=1</c> prints to stderr for a failed verb: every exception of the chain, outermost
/// first, with its type and message, so a wrapped cause is never lost behind the one-line message of the error
/// JSON. Stack traces follow only where the runtime keeps method names: the published binaries are built without
/// them (NativeAOT.props), where every frame would read "at &lt;unknown&gt;".
/// </summary>
internal static class ExceptionChain
{
    private static readonly bool s_stackTraces =
        !AppContext.TryGetSwitch("System.Diagnostics.StackTrace.IsSupported", out bool supported) || supported;

    public static string Describe(Exception e)
    {
        var text = new StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            text.Append(x == e ? "" : "caused by: ").Append(x.GetType().FullName).Append(": ").Append(x.Message).Append('\n');
            if (s_stackTraces && !string.IsNullOrEmpty(x.StackTrace))
            {
                text.Append(x.StackTrace.TrimEnd()).Append('\n');
            }
        }

        return text.ToString();
    }
}
