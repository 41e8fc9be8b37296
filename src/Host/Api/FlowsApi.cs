using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>Flows: list, read, create and update drafts, validate, publish, pause, resume, finish, duplicate, stats, export.</summary>
internal static class FlowsApi
{
    public sealed record FlowSummary(string Id, string Name, string? Description, string Status, string Source, int? Version, DateTimeOffset UpdatedAt);

    public sealed record FlowDetail(string Id, string Name, string Status, string Source, string? SourcePath, int? Version, JsonNode Draft, IReadOnlyList<FlowProblem> Problems);

    public sealed record ValidationAnswer(bool Valid, IReadOnlyList<FlowProblem> Problems);

    public sealed record PublishAnswer(string FlowId, int Version, bool Created, IReadOnlyList<FlowProblem> Problems);

    public sealed record StatusAnswer(string FlowId, string Status);

    public static void MapFlows(this RouteGroupBuilder api)
    {
        var flows = api.MapGroup("/flows").WithTags("Flows");
        flows.MapGet("/", ListAsync).RequireAuthorization(Roles.Policies.Read).WithSummary("All flows with their status and published version.");
        flows.MapGet("/{id}", GetAsync).RequireAuthorization(Roles.Policies.Read).WithSummary("One flow: its draft, status and validation problems.");
        flows.MapPost("/", CreateAsync).RequireAuthorization(Roles.Policies.Edit).WithSummary("Create a flow as a draft.");
        flows.MapPut("/{id}", UpdateAsync).RequireAuthorization(Roles.Policies.Edit).WithSummary("Save a flow's draft.");
        flows.MapPost("/validate", ValidateAsync).RequireAuthorization(Roles.Policies.Read).WithSummary("Check a flow without saving it.");
        flows.MapPost("/{id}/publish", PublishAsync).RequireAuthorization(Roles.Policies.Edit).WithSummary("Publish the draft as a new immutable version.");
        flows.MapPost("/{id}/pause", (string id, FlowDbContext db, TimeProvider time, CancellationToken ct) => ControlAsync(id, db, time, FlowControl.PauseAsync, ct))
            .RequireAuthorization(Roles.Policies.Administer).WithSummary("Pause: no entries, no steps, no sends.");
        flows.MapPost("/{id}/resume", (string id, FlowDbContext db, TimeProvider time, CancellationToken ct) => ControlAsync(id, db, time, FlowControl.ResumeAsync, ct))
            .RequireAuthorization(Roles.Policies.Administer).WithSummary("Resume a paused flow where it stopped.");
        flows.MapPost("/{id}/finish", (string id, FlowDbContext db, TimeProvider time, CancellationToken ct) => ControlAsync(id, db, time, FlowControl.FinishAsync, ct))
            .RequireAuthorization(Roles.Policies.Administer).WithSummary("Finish: end every run and drop unsent messages.");
        flows.MapPost("/{id}/duplicate", DuplicateAsync).RequireAuthorization(Roles.Policies.Edit).WithSummary("Copy a flow into a new draft.");
        flows.MapGet("/{id}/stats", StatsAsync).RequireAuthorization(Roles.Policies.Read).WithSummary("Per-node counts: entered, passed, waiting, suppressed, failed, converted, exited.");
        flows.MapGet("/{id}/analytics", async (string id, FlowDbContext db, CancellationToken ct) =>
            await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct) is { } record
                ? Results.Ok(await FlowAnalytics.ReportAsync(db, FlowJson.Deserialize(record.DraftJson), ct))
                : NotFound(id))
            .RequireAuthorization(Roles.Policies.Read).WithSummary("Counts per node, suppressions by reason, A/B branches with a two-proportion z-test, and a daily series.");
        flows.MapGet("/{id}/analytics.csv", CsvAsync).RequireAuthorization(Roles.Policies.Read).WithSummary("The daily series and the per-node counts as CSV.");
        flows.MapGet("/{id}/export", ExportAsync).RequireAuthorization(Roles.Policies.Read).WithSummary("The flow's JSON file, to keep in workflows/.");
    }

    private static async Task<IResult> ListAsync(FlowDbContext db, CancellationToken ct)
    {
        // Campaign flows belong to their campaigns (GET /api/campaigns); the flows list is what marketers draw.
        var rows = await db.Flows.AsNoTracking().Where(f => f.Source != FlowSource.Campaign).OrderBy(f => f.Id).ToListAsync(ct);
        return Results.Ok(rows.Select(f => new FlowSummary(
            f.Id, f.Name, TryRead(f.DraftJson)?.Description, Lower(f.Status), Lower(f.Source), f.PublishedVersion, f.UpdatedAt)));
    }

    private static async Task<IResult> GetAsync(string id, FlowDbContext db, CancellationToken ct) =>
        await db.Flows.AnyAsync(f => f.Id == id, ct) ? Results.Ok(await DetailAsync(db, id, ct)) : NotFound(id);

    private static async Task<IResult> CreateAsync(HttpRequest request, FlowDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (flow, problem) = await ReadFlowAsync(request, ct);
        if (flow is null)
            return problem!;
        if (await db.Flows.AnyAsync(f => f.Id == flow.Id, ct))
            return Results.Problem(title: "The flow exists", detail: $"A flow with the id '{flow.Id}' exists already; update it with PUT /api/flows/{flow.Id}.", statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["field"] = "$.id" });

        await FlowCatalog.SaveDraftAsync(db, flow, time.GetUtcNow(), FlowSource.Designer, ct);
        return Results.Created($"/api/flows/{flow.Id}", await DetailAsync(db, flow.Id, ct));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, FlowDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (flow, problem) = await ReadFlowAsync(request, ct);
        if (flow is null)
            return problem!;
        if (flow.Id != id)
            return RequestBodies.Problem("The id does not match", $"The body is the flow '{flow.Id}' but the address names '{id}'.", "$.id");
        var source = await db.Flows.Where(f => f.Id == id).Select(f => (FlowSource?)f.Source).SingleOrDefaultAsync(ct);
        if (source is null)
            return NotFound(id);
        if (source == FlowSource.Campaign)
            return CampaignOwned(id);

        await FlowCatalog.SaveDraftAsync(db, flow, time.GetUtcNow(), FlowSource.Designer, ct);
        return Results.Ok(await DetailAsync(db, id, ct));
    }

    private static async Task<IResult> ValidateAsync(HttpRequest request, FlowDbContext db, CancellationToken ct)
    {
        var (document, problem) = await RequestBodies.ReadJsonAsync(request, ct);
        if (problem is not null)
            return problem;
        using (document)
        {
            var settings = await EngineState.SettingsAsync(db, ct);
            var result = FlowValidator.Default.Validate(RequestBodies.Text(document!), FlowFiles.ContextFor(settings));
            return Results.Ok(new ValidationAnswer(result.IsValid, result.Problems));
        }
    }

    private static async Task<IResult> PublishAsync(string id, FlowDbContext db, FlowCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (record is null)
            return NotFound(id);
        if (record.Source == FlowSource.Campaign)
            return CampaignOwned(id);
        var settings = await EngineState.SettingsAsync(db, ct);
        var flow = FlowJson.Deserialize(record.DraftJson);
        var result = await catalog.PublishAsync(db, flow, time.GetUtcNow(), FlowFiles.ContextFor(settings), record.Source, cancellationToken: ct);
        if (!result.Published)
        {
            return RequestBodies.Problem("The flow has problems", "Fix the problems listed before publishing.", result.Problems.First(p => p.Severity == ProblemSeverity.Error).Location,
                new Dictionary<string, object?> { ["problems"] = result.Problems });
        }

        return Results.Ok(new PublishAnswer(id, result.Version!.Value, result.Created, result.Problems));
    }

    private static async Task<IResult> ControlAsync(string id, FlowDbContext db, TimeProvider time, Func<FlowDbContext, string, DateTimeOffset, CancellationToken, Task<ControlResult>> change, CancellationToken ct)
    {
        if (!await db.Flows.AnyAsync(f => f.Id == id, ct))
            return NotFound(id);
        var result = await change(db, id, time.GetUtcNow(), ct);
        if (!result.Changed)
            return Results.Problem(title: "Not possible now", detail: result.Problem, statusCode: StatusCodes.Status409Conflict);
        var status = await db.Flows.AsNoTracking().Where(f => f.Id == id).Select(f => f.Status).SingleAsync(ct);
        return Results.Ok(new StatusAnswer(id, Lower(status)));
    }

    private static async Task<IResult> DuplicateAsync(string id, FlowDbContext db, TimeProvider time, CancellationToken ct)
    {
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (record is null)
            return NotFound(id);
        var copyId = $"{id}-copy";
        for (var n = 2; await db.Flows.AnyAsync(f => f.Id == copyId, ct); n++)
            copyId = $"{id}-copy-{n}";
        var copy = FlowJson.Deserialize(record.DraftJson) with { Id = copyId, Name = $"{record.Name} (copy)" };
        await FlowCatalog.SaveDraftAsync(db, copy, time.GetUtcNow(), FlowSource.Designer, ct);
        return Results.Created($"/api/flows/{copyId}", await DetailAsync(db, copyId, ct));
    }

    private static async Task<IResult> StatsAsync(string id, FlowDbContext db, CancellationToken ct)
    {
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (record is null)
            return NotFound(id);
        var nodes = await FlowStats.ForFlowsAsync(db, [FlowJson.Deserialize(record.DraftJson)], ct);
        var runs = await db.RunTallies.AsNoTracking().Where(t => t.FlowId == id).GroupBy(t => t.Status).Select(g => new { g.Key, Count = g.Sum(t => t.Count) }).ToListAsync(ct);
        return Results.Ok(new
        {
            flowId = id,
            runs = runs.Where(r => r.Count > 0).ToDictionary(r => Lower(r.Key), r => r.Count),
            nodes,
        });
    }

    private static async Task<IResult> CsvAsync(string id, FlowDbContext db, CancellationToken ct)
    {
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (record is null)
            return NotFound(id);
        var report = await FlowAnalytics.ReportAsync(db, FlowJson.Deserialize(record.DraftJson), ct);
        var csv = new System.Text.StringBuilder();
        csv.AppendLine("section,key,entered,passed,waiting,suppressed,failed,converted,exited,sent");
        foreach (var n in report.Nodes)
            csv.AppendLine(System.FormattableString.Invariant($"node,{n.NodeId},{n.Entered},{n.Passed},{n.Waiting},{n.Suppressed},{n.Failed},{n.Converted},{n.Exited},"));
        foreach (var d in report.Daily)
            csv.AppendLine(System.FormattableString.Invariant($"day,{d.Day:yyyy-MM-dd},{d.Entered},,,{d.Suppressed},,{d.Converted},,{d.Sent}"));
        return Results.File(System.Text.Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"{id}-analytics.csv");
    }

    private static async Task<IResult> ExportAsync(string id, FlowDbContext db, CancellationToken ct)
    {
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (record is null)
            return NotFound(id);
        var flow = FlowJson.Deserialize(record.DraftJson);
        var text = FlowJson.Serialize(flow with { Schema = flow.Schema ?? $"./{FlowSchema.FileName}" }) + "\n";
        return Results.File(System.Text.Encoding.UTF8.GetBytes(text), "application/json", $"{id}.flow.json");
    }

    private static async Task<(FlowDefinition? Flow, IResult? Problem)> ReadFlowAsync(HttpRequest request, CancellationToken ct)
    {
        var (document, problem) = await RequestBodies.ReadJsonAsync(request, ct);
        if (problem is not null)
            return (null, problem);
        using (document)
        {
            var read = JsonDocumentReader.ReadFlow(RequestBodies.Text(document!));
            if (read.Value is not null)
                return (read.Value, null);
            var first = read.Problems[0];
            return (null, RequestBodies.Problem("The flow is not well-formed", first.Message, first.Path ?? first.Location,
                new Dictionary<string, object?> { ["problems"] = read.Problems }));
        }
    }

    private static async Task<FlowDetail> DetailAsync(FlowDbContext db, string id, CancellationToken ct)
    {
        var flow = await db.Flows.AsNoTracking().SingleAsync(f => f.Id == id, ct);
        var settings = await EngineState.SettingsAsync(db, ct);
        var problems = FlowValidator.Default.Validate(flow.DraftJson, FlowFiles.ContextFor(settings)).Problems;
        return new FlowDetail(flow.Id, flow.Name, Lower(flow.Status), Lower(flow.Source), flow.SourcePath, flow.PublishedVersion, JsonNode.Parse(flow.DraftJson)!, problems);
    }

    private static FlowDefinition? TryRead(string json)
    {
        try
        {
            return FlowJson.Deserialize(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult CampaignOwned(string id) =>
        Results.Problem(title: "The flow belongs to a campaign", detail: $"The flow '{id}' runs a one-off campaign; it changes only through /api/campaigns (duplicate the campaign to send a changed message).", statusCode: StatusCodes.Status409Conflict);

    private static IResult NotFound(string id) =>
        Results.Problem(title: "No such flow", detail: $"There is no flow '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
