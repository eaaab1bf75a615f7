using CniPlugins.Types;

namespace CniPlugins.Skel;

/// <summary>The identifier rules of the spec and the reference library (pkg/utils/utils.go).</summary>
public static class Validation
{
    /// <summary>IFNAMSIZ is 16 including the terminating NUL.</summary>
    public const int MaxInterfaceNameLength = 15;

    /// <summary><c>^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$</c>, the rule for container IDs and network names.</summary>
    public static bool IsValidIdentifier(string s)
    {
        if (s.Length == 0 || !char.IsAsciiLetterOrDigit(s[0]))
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static void ValidateContainerId(string id)
    {
        if (id.Length == 0)
        {
            throw new CniException(ErrorCode.UnknownContainer, "missing containerID");
        }

        if (!IsValidIdentifier(id))
        {
            throw new CniException(ErrorCode.InvalidEnvironmentVariables, "invalid characters in containerID", id);
        }
    }

    public static void ValidateNetworkName(string name)
    {
        if (name.Length == 0)
        {
            throw new CniException(ErrorCode.InvalidNetworkConfig, "missing network name");
        }

        if (!IsValidIdentifier(name))
        {
            throw new CniException(ErrorCode.InvalidNetworkConfig, "invalid characters found in network name", name);
        }
    }

    public static void ValidateInterfaceName(string ifName)
    {
        if (ifName.Length == 0)
        {
            throw new CniException(ErrorCode.InvalidEnvironmentVariables, "interface name is empty");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(ifName) > MaxInterfaceNameLength)
        {
            throw new CniException(ErrorCode.InvalidEnvironmentVariables, "interface name is too long",
                $"interface name should be less than {MaxInterfaceNameLength + 1} characters");
        }

        if (ifName is "." or "..")
        {
            throw new CniException(ErrorCode.InvalidEnvironmentVariables, "interface name is . or ..");
        }

        foreach (char c in ifName)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c))
            {
                throw new CniException(ErrorCode.InvalidEnvironmentVariables,
                    "interface name contains / or : or whitespace characters");
            }
        }
    }
}
