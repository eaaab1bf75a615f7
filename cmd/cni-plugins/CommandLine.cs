namespace CniPlugins.MultiCall;

/// <summary>A subcommand's options: <c>--name value</c> pairs and bare <c>--flag</c>s, each known in advance.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLine()
    {
    }

    /// <summary>The parsed options, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static CommandLine? Parse(string[] args, string[] valueOptions, string[] flagOptions, out string error)
    {
        var line = new CommandLine();
        error = "";
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (flagOptions.Contains(arg))
            {
                line._flags.Add(arg);
            }
            else if (valueOptions.Contains(arg))
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{arg} needs a value";
                    return null;
                }

                line._values[arg] = args[++i];
            }
            else
            {
                error = $"unknown argument \"{arg}\"";
                return null;
            }
        }

        return line;
    }

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public bool Flag(string option) => _flags.Contains(option);
}
