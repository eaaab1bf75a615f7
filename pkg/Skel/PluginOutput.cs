using System.Text.Encodings.Web;
using System.Text.Json;
using CniPlugins.Types;

namespace CniPlugins.Skel;

/// <summary>
/// Writes what must be instant (VERSION and errors) with a bare <see cref="Utf8JsonWriter"/>, in the reference's
/// layout: errors indented by four spaces, VERSION on one line.
/// </summary>
internal static class PluginOutput
{
    // Go's encoder leaves quotes and apostrophes alone; so do we, so messages read the same.
    private static JsonWriterOptions Indented =>
        new() { Indented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteError(Stream stdout, CniException error)
    {
        using (var writer = new Utf8JsonWriter(stdout, Indented))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code"u8, error.Code);
            writer.WriteString("msg"u8, error.Message);
            if (!string.IsNullOrEmpty(error.Details))
            {
                writer.WriteString("details"u8, error.Details);
            }

            writer.WriteEndObject();
        }

        stdout.Flush();
    }

    public static void WriteVersion(Stream stdout)
    {
        using (var writer = new Utf8JsonWriter(stdout))
        {
            writer.WriteStartObject();
            writer.WriteString("cniVersion"u8, CniVersion.Current);
            writer.WriteStartArray("supportedVersions"u8);
            foreach (string v in CniVersion.All)
            {
                writer.WriteStringValue(v);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
        stdout.Flush();
    }

    public static string AboutText(string pluginName) =>
        $"CNI {pluginName} plugin {BuildVersion}\nCNI protocol versions supported: {string.Join(", ", CniVersion.All)}\n";

    /// <summary>The suite's version from Nerdbank.GitVersioning, e.g. "v0.1.12+a1b2c3d".</summary>
    public static string BuildVersion => "v" + ThisAssembly.AssemblyInformationalVersion;
}
