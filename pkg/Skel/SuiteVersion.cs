namespace CniPlugins.Skel;

/// <summary>The suite's version from Nerdbank.GitVersioning (version.json and the git height), e.g. "v0.1.12+a1b2c3d".</summary>
public static class SuiteVersion
{
    public static string Text => "v" + ThisAssembly.AssemblyInformationalVersion;
}
