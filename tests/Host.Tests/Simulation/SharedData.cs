namespace ReEngage.Flows.Host.Tests.Simulation;

/// <summary>The real store data in ../shared/data beside the repository, read in place.</summary>
internal static class SharedData
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ReEngage.Flows.sln")))
                    return dir.FullName;
            }

            throw new InvalidOperationException("repository root not found");
        }
    }

    public static string Folder => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>The file's path; skips the calling test, naming what is missing, when the data is not there.</summary>
    public static string Require(string relative)
    {
        var path = Path.Combine(Folder, relative);
        Skip.IfNot(File.Exists(path), $"The shared data file {path} is not there (it lives in ../shared/data beside the repository).");
        return path;
    }
}
