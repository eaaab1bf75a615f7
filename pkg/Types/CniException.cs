namespace CniPlugins.Types;

/// <summary>Error codes of the CNI specification (SPEC.md "Error"), plus the reference library's extras.</summary>
public static class ErrorCode
{
    public const int Unknown = 0;
    public const int IncompatibleCniVersion = 1;
    public const int UnsupportedField = 2;
    public const int UnknownContainer = 3;
    public const int InvalidEnvironmentVariables = 4;
    public const int IoFailure = 5;
    public const int DecodingFailure = 6;
    public const int InvalidNetworkConfig = 7;
    public const int InvalidNetNs = 8;
    public const int TryAgainLater = 11;
    public const int PluginNotAvailable = 50;
    public const int PluginNotAvailableLimitedConnectivity = 51;
    public const int Internal = 999;
}

/// <summary>
/// An error a plugin reports to the runtime as <c>{"code","msg","details"}</c> on stdout. Anything else thrown
/// by a verb becomes code 999 with the exception's message.
/// </summary>
public class CniException : Exception
{
    public CniException(int code, string message, string? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Details = details;
    }

    public int Code { get; }

    public string? Details { get; }

    public static CniException InvalidConfig(string message, string? details = null, Exception? inner = null) =>
        new(ErrorCode.InvalidNetworkConfig, message, details, inner);
}
