using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Data;

/// <summary>A flow in the list: what it is, its state, and how it did over the last seven days.</summary>
public sealed record FlowRow(
    string Id, string Name, string? Description, FlowStatus Status, FlowSource Source, int? Version, bool HasUnpublishedChanges,
    DateTimeOffset UpdatedAt, int Entries7Days, int Conversions7Days, IReadOnlyList<int> DailyEntries);

/// <summary>A flow opened for editing: its stored state and its draft.</summary>
public sealed record OpenedFlow(string Id, FlowStatus Status, FlowSource Source, string? SourcePath, int? Version, FlowDefinition Draft);

/// <summary>One published version, for the history and the diff.</summary>
public sealed record VersionEntry(int Version, DateTimeOffset PublishedAt, string Json);

/// <summary>
/// Everything the designer reads and changes, through the engine's own operations. Blazor Server
/// components live as long as a circuit, so each call opens its own short-lived context.
/// </summary>
public sealed class FlowDesk(IDbContextFactory<FlowDbContext> databases, FlowCatalog catalog, MessageRenderer renderer, TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<IReadOnlyList<FlowRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // Campaign flows belong to their campaigns (the campaigns page); this list is what marketers draw.
        var flows = await db.Flows.AsNoTracking().Where(f => f.Source != FlowSource.Campaign).OrderBy(f => f.Name).ToListAsync(cancellationToken);
        var published = await db.FlowVersions.AsNoTracking()
            .Join(db.Flows, v => new { v.FlowId, Version = (int?)v.Version }, f => new { FlowId = f.Id, Version = f.PublishedVersion }, (v, f) => new { v.FlowId, v.Json })
            .ToDictionaryAsync(v => v.FlowId, v => v.Json, cancellationToken);

        var today = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero);
        var daily = new List<Dictionary<string, int>>();
        for (var day = 6; day >= 0; day--)
        {
            var from = today.AddDays(-day);
            var to = from.AddDays(1);
            daily.Add(await db.Runs.AsNoTracking().Where(r => r.EnteredAt >= from && r.EnteredAt < to)
                .GroupBy(r => r.FlowId).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken));
        }

        var weekAgo = today.AddDays(-6);
        var conversions = await db.NodeCounts.AsNoTracking().Where(s => s.Outcome == StepOutcome.Converted && s.Day >= weekAgo)
            .GroupBy(s => s.FlowId).Select(g => new { g.Key, Count = g.Sum(s => s.Count) })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        return flows.Select(f =>
        {
            var entries = daily.Select(d => d.GetValueOrDefault(f.Id)).ToList();
            var description = TryRead(f.DraftJson)?.Description;
            // Drafts and versions are both written by FlowJson.Serialize, so equal flows are equal text.
            var changed = f.PublishedVersion is null || !published.TryGetValue(f.Id, out var json) || json != f.DraftJson;
            return new FlowRow(f.Id, f.Name, description, f.Status, f.Source, f.PublishedVersion, changed, f.UpdatedAt,
                entries.Sum(), conversions.GetValueOrDefault(f.Id), entries);
        }).ToList();
    }

    public async Task<OpenedFlow?> OpenAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        return record is null ? null : new OpenedFlow(record.Id, record.Status, record.Source, record.SourcePath, record.PublishedVersion, FlowJson.Deserialize(record.DraftJson));
    }

    public async Task SaveDraftAsync(FlowDefinition flow, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var source = await db.Flows.Where(f => f.Id == flow.Id).Select(f => (FlowSource?)f.Source).SingleOrDefaultAsync(cancellationToken) ?? FlowSource.Designer;
        await FlowCatalog.SaveDraftAsync(db, flow, Now, source, cancellationToken);
    }

    /// <summary>Saves the draft, then publishes it as a new version unless it has errors (then nothing is published).</summary>
    public async Task<PublishResult> PublishAsync(FlowDefinition flow, CancellationToken cancellationToken = default)
    {
        await SaveDraftAsync(flow, cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var record = await db.Flows.AsNoTracking().SingleAsync(f => f.Id == flow.Id, cancellationToken);
        var context = FlowFiles.ContextFor(await EngineState.SettingsAsync(db, cancellationToken));
        return await catalog.PublishAsync(db, flow, Now, context, record.Source, record.SourcePath, cancellationToken);
    }

    public async Task<ControlResult> PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await FlowControl.PauseAsync(db, id, Now, cancellationToken);
    }

    public async Task<ControlResult> ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await FlowControl.ResumeAsync(db, id, Now, cancellationToken);
    }

    public async Task<bool> IsGloballyPausedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await EngineState.IsGloballyPausedAsync(db, cancellationToken);
    }

    public async Task SetGlobalPauseAsync(bool paused, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await EngineState.SetGlobalPauseAsync(db, paused, cancellationToken);
    }

    public async Task<IReadOnlyList<VersionEntry>> VersionsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var versions = await db.FlowVersions.AsNoTracking().Where(v => v.FlowId == id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
        return versions.Select(v => new VersionEntry(v.Version, v.PublishedAt, v.Json)).ToList();
    }

    public async Task<FlowValidationContext> ValidationContextAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return FlowFiles.ContextFor(await EngineState.SettingsAsync(db, cancellationToken));
    }

    public async Task<StoreSettings> SettingsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await EngineState.SettingsAsync(db, cancellationToken);
    }

    /// <summary>Per-node counts of the flow across all its versions.</summary>
    public async Task<IReadOnlyList<NodeSummary>> CountsAsync(FlowDefinition flow, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await FlowStats.ForFlowsAsync(db, [flow], cancellationToken);
    }

    public async Task<PreviewedMessage> PreviewAsync(FlowDefinition flow, ActionNode action, string? customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var customer = await MessagePreview.CustomerAsync(db, customerId, cancellationToken);
        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        return MessagePreview.Render(renderer, action, flow, customer, settings, Now);
    }

    public async Task<AudienceCount> EstimateAudienceAsync(string expression, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await AudienceEstimate.CountAsync(db, expression, Now, cancellationToken: cancellationToken);
    }

    private static FlowDefinition? TryRead(string json)
    {
        try
        {
            return FlowJson.Deserialize(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
