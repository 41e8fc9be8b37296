using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace ReEngage.Flows.Host.Tests.Cli;

public sealed class ExportImportVerbTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-export-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        var exit = await Host.Cli.CliApp.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Imported_flows_export_back_to_the_same_documents()
    {
        var workflows = Path.Combine(Simulation.SharedData.RepoRoot, "workflows");
        var data = Path.Combine(folder, "data");
        var outDir = Path.Combine(folder, "out");

        var (imported, importLog) = await Run("import", "--data-dir", data, workflows);
        var (again, againLog) = await Run("import", "--data-dir", data, Path.Combine(workflows, "birthday.flow.json"));
        var (exported, _) = await Run("export", "--data-dir", data, "--out-dir", outDir);

        Assert.Equal(0, imported);
        Assert.Contains("published as abandoned-cart version 1", importLog);
        Assert.Equal(0, again);
        Assert.Contains("unchanged as birthday version 1", againLog);
        Assert.Equal(0, exported);
        foreach (var original in Directory.GetFiles(workflows, "*.flow.json"))
        {
            var copy = Path.Combine(outDir, Path.GetFileName(original));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(original)), JsonNode.Parse(File.ReadAllText(copy))), copy);
        }
    }

    [Fact]
    public async Task Importing_a_broken_file_reports_it_and_fails()
    {
        var broken = Path.Combine(folder, "broken.flow.json");
        File.WriteAllText(broken, """{ "id": "b", "name": "B", "nodes": [ { "id": "t", "type": "trigger", "on": "event" } ], "edges": [] }""");

        var (exit, log) = await Run("import", "--data-dir", Path.Combine(folder, "data"), broken);

        Assert.Equal(1, exit);
        Assert.Contains("t: node.missing-setting", log);
    }
}
