using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>The result of publishing: the version runs now start on, or why it could not publish.</summary>
public sealed record PublishResult(string FlowId, int? Version, bool Created, IReadOnlyList<FlowProblem> Problems)
{
    public bool Published => Version is not null;
}

/// <summary>
/// Flows and their published versions: publishing makes an immutable version (a changed graph
/// only — the same content publishes nothing new); pause, resume and finish change what the engine
/// may do with a flow. Compiled programs are cached per (flow, version).
/// </summary>
public sealed class FlowCatalog(FlowValidator validator)
{
    private readonly ConcurrentDictionary<(string, int), FlowProgram> programs = new();

    public FlowProgram Program(FlowVersionRecord version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return programs.GetOrAdd((version.FlowId, version.Version), _ => new FlowProgram(FlowJson.Deserialize(version.Json), version.Version));
    }

    /// <summary>A version's program; a value task, as it is nearly always cached and asked for once per run a batch touches.</summary>
    public ValueTask<FlowProgram> ProgramAsync(FlowDbContext db, string flowId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return programs.TryGetValue((flowId, version), out var cached) ? ValueTask.FromResult(cached) : new ValueTask<FlowProgram>(LoadAsync(db, flowId, version, cancellationToken));
    }

    private async Task<FlowProgram> LoadAsync(FlowDbContext db, string flowId, int version, CancellationToken cancellationToken)
    {
        var record = await db.FlowVersions.AsNoTracking().SingleAsync(v => v.FlowId == flowId && v.Version == version, cancellationToken);
        return Program(record);
    }

    /// <summary>Validates and publishes; an unchanged flow keeps its version.</summary>
    public async Task<PublishResult> PublishAsync(
        FlowDbContext db, FlowDefinition flow, DateTimeOffset now, FlowValidationContext context,
        FlowSource source = FlowSource.Designer, string? sourcePath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(flow);
        var problems = validator.Validate(flow, context);
        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
            return new PublishResult(flow.Id, null, false, problems);

        var json = FlowJson.Serialize(flow);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        var record = await db.Flows.SingleOrDefaultAsync(f => f.Id == flow.Id, cancellationToken);
        var latest = record?.PublishedVersion is { } v
            ? await db.FlowVersions.SingleAsync(x => x.FlowId == flow.Id && x.Version == v, cancellationToken)
            : null;

        if (record is null)
        {
            record = new FlowRecord { Id = flow.Id, Name = flow.Name, DraftJson = json, Status = FlowStatus.Active, CreatedAt = now };
            db.Flows.Add(record);
        }

        record.Name = flow.Name;
        record.DraftJson = json;
        record.Source = source;
        record.SourcePath = sourcePath ?? record.SourcePath;
        record.UpdatedAt = now;
        if (record.Status is FlowStatus.Draft or FlowStatus.Finished)
            record.Status = FlowStatus.Active;

        if (latest is not null && latest.ContentHash == hash)
        {
            await db.SaveChangesAsync(cancellationToken);
            return new PublishResult(flow.Id, latest.Version, false, problems);
        }

        var version = (latest?.Version ?? 0) + 1;
        db.FlowVersions.Add(new FlowVersionRecord { FlowId = flow.Id, Version = version, Json = json, ContentHash = hash, PublishedAt = now });
        record.PublishedVersion = version;
        await db.SaveChangesAsync(cancellationToken);
        return new PublishResult(flow.Id, version, true, problems);
    }

    /// <summary>
    /// Saves a flow as the current draft (a new flow starts as a draft); publishing is separate. The
    /// draft may have validation problems; it must only be well-formed.
    /// </summary>
    public static async Task<FlowRecord> SaveDraftAsync(FlowDbContext db, FlowDefinition flow, DateTimeOffset now, FlowSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(flow);
        var record = await db.Flows.SingleOrDefaultAsync(f => f.Id == flow.Id, cancellationToken);
        if (record is null)
        {
            record = new FlowRecord { Id = flow.Id, Name = flow.Name, DraftJson = "", Status = FlowStatus.Draft, Source = source, CreatedAt = now };
            db.Flows.Add(record);
        }

        record.Name = flow.Name;
        record.DraftJson = FlowJson.Serialize(flow);
        record.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>The published programs of flows that may act now (active, not paused or finished).</summary>
    public async Task<IReadOnlyList<FlowProgram>> ActiveProgramsAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = new List<(string Id, int Version)>();
        await foreach (var flow in PublishedActive(db).WithCancellation(cancellationToken))
            current.Add(flow);
        var result = new List<FlowProgram>(current.Count);
        foreach (var (id, version) in current.OrderBy(f => f.Id, StringComparer.Ordinal))
            result.Add(await ProgramAsync(db, id, version, cancellationToken));
        return result;
    }

    // Compiled once, as the held flows below: every ingest and tick batch starts with them.
    private static readonly Func<FlowDbContext, IAsyncEnumerable<(string Id, int Version)>> PublishedActive =
        EF.CompileAsyncQuery((FlowDbContext db) => db.Flows.AsNoTracking()
            .Where(f => f.Status == FlowStatus.Active && f.PublishedVersion != null)
            .Select(f => ValueTuple.Create(f.Id, f.PublishedVersion!.Value)));

    private static readonly Func<FlowDbContext, IAsyncEnumerable<string>> Paused =
        EF.CompileAsyncQuery((FlowDbContext db) => db.Flows.AsNoTracking().Where(f => f.Status == FlowStatus.Paused).Select(f => f.Id));

    /// <summary>Ids of flows the engine must not touch now: paused ones (all of them under the global pause).</summary>
    public static async Task<HashSet<string>> HeldFlowIdsAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var id in Paused(db).WithCancellation(cancellationToken))
            ids.Add(id);
        return ids;
    }
}
