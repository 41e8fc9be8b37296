using System.Reflection;

namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>Facts about this build that the project file stamps into the assembly (see the csproj).</summary>
internal static class BuildInfo
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>
    /// The Host's build output in the same configuration as these tests: the csproj's build-order
    /// reference builds it there first.
    /// </summary>
    public static string HostAssembly => Path.Combine(
        RepositoryRoot, "src", "Host", "bin", Metadata("Configuration"), Metadata("TargetFramework"), "ReEngage.Flows.Host.dll");

    public static string WorkflowsDirectory => Path.Combine(RepositoryRoot, "workflows");

    private static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly carries no '{key}' metadata; it comes from ReEngage.Flows.Browser.Tests.csproj.");
}
