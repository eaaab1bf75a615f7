using System.Text;
using CniPlugins.Skel;

namespace CniPlugins.Tests;

/// <summary>The process seen by the skeleton: an environment dictionary and in-memory standard streams.</summary>
internal sealed class FakeHost(Dictionary<string, string> env, string stdin = "") : IPluginHost
{
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();

    public string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());

    public string Stderr => Encoding.UTF8.GetString(_stderr.ToArray());

    public string? GetEnvironmentVariable(string name) => env.TryGetValue(name, out string? v) ? v : null;

    public Stream OpenStandardInput() => new MemoryStream(Encoding.UTF8.GetBytes(stdin));

    public Stream OpenStandardOutput() => new NonClosing(_stdout);

    public Stream OpenStandardError() => new NonClosing(_stderr);

    /// <summary>The skeleton disposes what it opens; the test still wants to read it.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
