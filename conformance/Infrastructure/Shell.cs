using System.Diagnostics;

namespace CniPlugins.Conformance.Infrastructure;

/// <summary>Runs a program with an argument array (never through a shell) and captures what it prints.</summary>
public static class Shell
{
    public sealed record Output(int ExitCode, string Stdout, string Stderr)
    {
        public Output EnsureSuccess(string what)
        {
            if (ExitCode != 0)
            {
                throw new InvalidOperationException($"{what} failed ({ExitCode}): {Stderr.Trim()} {Stdout.Trim()}");
            }

            return this;
        }
    }

    public static Output Run(string file, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null) =>
        Run(file, args, stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), env, timeout);

    /// <summary>The same with stdin as bytes, which reach the program unchanged (UTF-8 or not).</summary>
    public static Output Run(string file, IEnumerable<string> args, byte[]? stdin,
        IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null)
            {
                p.StandardInput.BaseStream.Write(stdin);
            }

            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading all of its input (a plugin refusing its name or its environment
            // before it reads the config): the pipe is broken. Its exit code and what it printed are what the
            // caller judges, so the write's failure is not the test's.
        }
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        return new Output(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <c>ip {args}</c>.</summary>
    public static Output Ip(params string[] args) => Run("ip", args);
}
