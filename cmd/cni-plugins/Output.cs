using System.Text;

namespace CniPlugins.MultiCall;

/// <summary>
/// Text on stdout and stderr through the raw streams, as the plugins write theirs: Console.Out and Console.Error
/// would bring their writers and encodings into the file that every plugin run maps.
/// </summary>
internal static class Output
{
    public static void Line(string text) => Write(Console.OpenStandardOutput(), text + "\n");

    public static void Error(string text) => Write(Console.OpenStandardError(), text + "\n");

    private static void Write(Stream stream, string text)
    {
        using (stream)
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
        }
    }
}
