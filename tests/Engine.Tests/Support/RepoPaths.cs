namespace ReEngage.Flows.Engine.Tests.Support;

/// <summary>Finds the repository the tests were built from, so they read the real shipped files.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workflows => Path.Combine(Root, "workflows");

    public static IEnumerable<string> ShippedFlows() =>
        Directory.EnumerateFiles(Workflows, "*.flow.json").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ReEngage.Flows.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("The tests must run from inside the repository (ReEngage.Flows.sln not found above the test binaries).");
    }
}
