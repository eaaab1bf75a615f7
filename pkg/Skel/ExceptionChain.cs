using System.Text;

namespace CniPlugins.Skel;

/// <summary>
/// What <c>CNI_PLUGINS_DEBUG=1</c> prints to stderr for a failed verb: every exception of the chain, outermost
/// first, with its type, message and stack trace (method names), so a wrapped cause is never lost behind the
/// one-line message of the error JSON.
/// </summary>
internal static class ExceptionChain
{
    public static string Describe(Exception e)
    {
        var text = new StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            text.Append(x == e ? "" : "caused by: ").Append(x.GetType().FullName).Append(": ").Append(x.Message).Append('\n');
            if (!string.IsNullOrEmpty(x.StackTrace))
            {
                text.Append(x.StackTrace.TrimEnd()).Append('\n');
            }
        }

        return text.ToString();
    }
}
