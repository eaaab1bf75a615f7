using System.Text;
using CniPlugins.Skel;

namespace CniPlugins.MultiCall;

/// <summary>
/// Text on stdout and stderr through the descriptors the plugins write theirs on (<see cref="ProcessHost"/>):
/// Console.Out and Console.Error would bring their writers and encodings into the file that every plugin run maps.
/// </summary>
internal static class Output
{
    public static void Line(string text) => Write(ProcessHost.Instance.OpenStandardOutput(), text + "\n");

    public static void Error(string text) => Write(ProcessHost.Instance.OpenStandardError(), text + "\n");

    private static void Write(Stream stream, string text)
    {
        using (stream)
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
        }
    }
}
