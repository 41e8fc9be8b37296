namespace ReEngage.Flows.Benchmarks;

/// <summary>Finds the repository from wherever BenchmarkDotNet runs the generated benchmark process.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = Find();

    public static string Workflows => Path.Combine(Root, "workflows");

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ReEngage.Flows.sln")))
                    return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}
