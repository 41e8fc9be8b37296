using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace ReEngage.Flows.Host.Tests.Api;

/// <summary>The real host on a real SQLite file in a temporary data folder, with one API key per role.</summary>
public sealed class ApiFixture : WebApplicationFactory<Program>
{
    public const string AdminPassword = "correct-horse-battery";

    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["Viewer"] = "viewer-key-0123456789",
        ["Ingest"] = "ingest-key-0123456789",
        ["Marketer"] = "marketer-key-0123456789",
        ["Admin"] = "admin-key-0123456789",
    };

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("reengage-api-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ReEngage:DataDirectory", DataDirectory);
        builder.UseSetting("ReEngage:WorkflowsDirectory", Path.Combine(Simulation.SharedData.RepoRoot, "workflows"));
        builder.UseSetting("ReEngage:AdminPassword", AdminPassword);
        var i = 0;
        foreach (var (role, key) in Keys)
        {
            builder.UseSetting($"ReEngage:ApiKeys:{i}:Key", key);
            builder.UseSetting($"ReEngage:ApiKeys:{i}:Role", role);
            i++;
        }
    }

    public HttpClient As(string? role)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (role is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", Keys[role]);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
