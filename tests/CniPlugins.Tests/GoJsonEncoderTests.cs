using System.Text;
using System.Text.Json;
using CniPlugins.Types;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>Strings in our JSON are escaped as Go's encoding/json escapes them in the reference's output.</summary>
public sealed class GoJsonEncoderTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a<b>&c", "a\\u003cb\\u003e\\u0026c")]
    [InlineData("say \"hi\" it's \\", "say \\\"hi\\\" it's \\\\")]
    [InlineData("l1\nl2\tx\r", "l1\\nl2\\tx\\r")]
    [InlineData("\u0001\u001f\u007f", "\\u0001\\u001f\u007f")]
    [InlineData("naïve 日本 😀", "naïve 日本 😀")]
    [InlineData("\u2028\u2029", "\\u2028\\u2029")]
    public void Strings_are_escaped_as_go_does(string input, string expected)
    {
        Assert.Equal("\"" + expected + "\"", Write(w => w.WriteStringValue(input)));
        Assert.Equal("\"" + expected + "\"", Write(w => w.WriteStringValue(Encoding.UTF8.GetBytes(input))));
    }

    [Fact]
    public void Long_strings_with_escapes_throughout_are_written_whole()
    {
        string input = string.Concat(Enumerable.Repeat("<x\"ü", 500));
        string expected = string.Concat(Enumerable.Repeat("\\u003cx\\\"ü", 500));
        Assert.Equal("\"" + expected + "\"", Write(w => w.WriteStringValue(input)));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = GoJsonEncoder.Instance }))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
