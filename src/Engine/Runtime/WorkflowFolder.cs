using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>What loading one flow file did.</summary>
public sealed record WorkflowFileResult(string Path, string? FlowId, int? Version, bool Created, IReadOnlyList<FlowProblem> Problems);

/// <summary>
/// Loads the flow files of a folder: each new or changed file becomes a new published version of a
/// flow marked as coming from that file; an unchanged file publishes nothing; a file with errors is
/// reported and leaves its flow as it was. A store without settings yet takes the folder's
/// <c>settings.json</c> (guardrails and coupon pools) first.
/// </summary>
public static class WorkflowFolder
{
    public static Task<IReadOnlyList<WorkflowFileResult>> SyncAsync(
        IDbContextFactory<FlowDbContext> databases, FlowCatalog catalog, string folder, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Directory.Exists(folder)
            ? SyncFilesAsync(databases, catalog, FlowFiles.Expand([folder], []), Path.Combine(folder, FlowFiles.SettingsFileName), now, cancellationToken)
            : Task.FromResult<IReadOnlyList<WorkflowFileResult>>([]);

    /// <summary>Publishes these flow files; <paramref name="settingsFile"/> seeds a store that has no settings yet.</summary>
    public static async Task<IReadOnlyList<WorkflowFileResult>> SyncFilesAsync(
        IDbContextFactory<FlowDbContext> databases, FlowCatalog catalog, IReadOnlyList<string> files, string? settingsFile, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(databases);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(files);

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var results = new List<WorkflowFileResult>();
        if (settingsFile is not null
            && !await db.EngineState.AnyAsync(s => s.Key == EngineState.SettingsKey, cancellationToken)
            && FlowFiles.ReadSettings(settingsFile, out var settingsProblems) is { } fileSettings)
        {
            if (settingsProblems.Count == 0)
                await EngineState.SaveSettingsAsync(db, fileSettings, cancellationToken);
            else
                results.Add(new WorkflowFileResult(settingsFile, null, null, false, settingsProblems));
        }

        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        var context = FlowFiles.ContextFor(settings);
        foreach (var path in files)
        {
            var validation = FlowValidator.Default.Validate(await File.ReadAllTextAsync(path, cancellationToken), context);
            if (!validation.IsValid)
            {
                results.Add(new WorkflowFileResult(path, validation.Flow?.Id, null, false, validation.Problems));
                continue;
            }

            var published = await catalog.PublishAsync(db, validation.Flow!, now, context, FlowSource.File, Path.GetFullPath(path), cancellationToken);
            results.Add(new WorkflowFileResult(path, published.FlowId, published.Version, published.Created, published.Problems));
        }

        return results;
    }
}
