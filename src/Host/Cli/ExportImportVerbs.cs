using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Host.Cli;

/// <summary>
/// <c>export</c> writes flows from a store to <c>*.flow.json</c> files (a flow edited in the designer
/// goes back to git); <c>import</c> publishes flow files into a store, as the host does at start.
/// </summary>
internal static class ExportImportVerbs
{
    private static Option<string> DataDir() => new("--data-dir")
    {
        Description = "The data folder of the store (default: the host's, data/ beside the app).",
        DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data"),
    };

    public static Command Export(TextWriter output)
    {
        var dataDir = DataDir();
        var outDir = new Option<string>("--out-dir") { Description = "Where to write the files.", DefaultValueFactory = _ => "workflows" };
        var ids = new Option<string[]>("--flow") { Description = "Flow ids to export (default: all).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("export", "Write flows from a store to *.flow.json files.") { dataDir, outDir, ids };
        command.SetAction(async (result, ct) =>
        {
            var databases = await FlowDbContextFactory.SqliteAsync(Path.Combine(result.GetValue(dataDir)!, "reengage.db"), ct);
            await using var db = databases.CreateDbContext();
            var wanted = result.GetValue(ids) ?? [];
            var flows = await db.Flows.AsNoTracking().Where(f => f.Source != FlowSource.Campaign && (wanted.Length == 0 || wanted.Contains(f.Id))).OrderBy(f => f.Id).ToListAsync(ct);
            var folder = result.GetValue(outDir)!;
            Directory.CreateDirectory(folder);
            foreach (var record in flows)
            {
                var flow = FlowJson.Deserialize(record.DraftJson);
                var path = Path.Combine(folder, $"{record.Id}.flow.json");
                await File.WriteAllTextAsync(path, FlowJson.Serialize(flow with { Schema = flow.Schema ?? $"./{FlowSchema.FileName}" }) + "\n", ct);
                output.WriteLine($"{path}: exported ({record.Status.ToString().ToLowerInvariant()}, version {record.PublishedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unpublished"})");
            }

            foreach (var missing in wanted.Except(flows.Select(f => f.Id)))
                output.WriteLine($"{missing}: not found: no such flow in the store");
            return wanted.Except(flows.Select(f => f.Id)).Any() ? 1 : 0;
        });
        return command;
    }

    public static Command Import(TextWriter output)
    {
        var dataDir = DataDir();
        var paths = new Argument<string[]>("paths") { Description = "Flow files, or folders of *.flow.json.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Publish flow files into a store (new or changed files become new versions).") { dataDir, paths };
        command.SetAction(async (result, ct) =>
        {
            var databases = await FlowDbContextFactory.SqliteAsync(Path.Combine(result.GetValue(dataDir)!, "reengage.db"), ct);
            var catalog = new FlowCatalog(FlowValidator.Default);
            var missing = new List<string>();
            var files = FlowFiles.Expand(result.GetValue(paths)!, missing);
            foreach (var path in missing)
                output.WriteLine($"{path}: not found: no such file or folder");
            var settings = files.Select(f => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(f))!, FlowFiles.SettingsFileName)).FirstOrDefault(File.Exists);
            var failed = missing.Count > 0;
            foreach (var file in await WorkflowFolder.SyncFilesAsync(databases, catalog, files, settings, TimeProvider.System.GetUtcNow(), ct))
            {
                if (file.Version is null)
                {
                    failed = true;
                    foreach (var problem in file.Problems.Where(p => p.Severity == ProblemSeverity.Error))
                        output.WriteLine($"{file.Path}: {problem}");
                }
                else
                {
                    output.WriteLine($"{file.Path}: {(file.Created ? "published" : "unchanged")} as {file.FlowId} version {file.Version}");
                }
            }

            return failed ? 1 : 0;
        });
        return command;
    }
}
