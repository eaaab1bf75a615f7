namespace CniPlugins.Ns;

/// <summary>The namespace path does not exist; DEL treats this as "already gone".</summary>
public sealed class NetNsNotFoundException : IOException
{
    public NetNsNotFoundException(string path)
        : base($"failed to open netns \"{path}\": no such file or directory") => Path = path;

    public string Path { get; }
}
