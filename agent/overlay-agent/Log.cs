namespace CniPlugins.OverlayAgent;

/// <summary>Leveled log lines on stderr (journald and kubectl logs take stderr as is): time, level, message.</summary>
internal static class Log
{
    public enum Level { Debug, Info, Warn, Error }

    public static Level Threshold { get; set; } = Level.Info;

    public static bool TryParseLevel(string s, out Level level) => Enum.TryParse(s, ignoreCase: true, out level) && Enum.IsDefined(level);

    public static void Debug(string message) => Write(Level.Debug, message);

    public static void Info(string message) => Write(Level.Info, message);

    public static void Warn(string message) => Write(Level.Warn, message);

    public static void Error(string message) => Write(Level.Error, message);

    private static void Write(Level level, string message)
    {
        if (level < Threshold)
        {
            return;
        }

        string line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level.ToString().ToUpperInvariant(),-5} {message}\n";
        lock (Console.Error)
        {
            Console.Error.Write(line);
            Console.Error.Flush();
        }
    }
}
