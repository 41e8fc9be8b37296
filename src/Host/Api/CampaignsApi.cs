using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Quartz;
using ReEngage.Flows.Engine.Campaigns;
using ReEngage.Flows.Engine.Scheduling;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>One-off campaigns: list, read, create, edit before the start, finish, duplicate, and the reach estimate.</summary>
internal static class CampaignsApi
{
    public sealed record CannotDeliverView(string Reason, string Detail);

    public sealed record CampaignView(
        long Id, string Name, string Status, CannotDeliverView? CannotDeliver, bool Editable,
        string Group, string Period, string Channel, string? Title, string Body, string? CouponPool,
        DateTimeOffset? StartAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        int? Reach, string? FlowId, long? DuplicatedFrom, CampaignCounts Counts);

    public sealed record EstimateView(string Group, string Period, DateTimeOffset From, DateTimeOffset To, int Reach);

    public static void MapCampaigns(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapGet("/", ListAsync).RequireAuthorization(Roles.Policies.Read).Produces<IReadOnlyList<CampaignView>>().WithSummary("All campaigns (or those of one status: notStarted, delivering, finished, cannotDeliver), newest first, with sent, delivered, read and coupon orders.");
        campaigns.MapGet("/estimate", EstimateAsync).RequireAuthorization(Roles.Policies.Read).Produces<EstimateView>()
            .WithSummary("How many customers a group holds now: group = addedToCart, storeFollowers, viewedSeveralTimes or existingCustomers; period = P7D, P14D or P30D.");
        campaigns.MapGet("/{id:long}", GetAsync).RequireAuthorization(Roles.Policies.Read).Produces<CampaignView>().WithSummary("One campaign with its figures.");
        campaigns.MapPost("/", CreateAsync).RequireAuthorization(Roles.Policies.Edit)
            .Produces<CampaignView>(StatusCodes.Status201Created).WithSummary("Create a campaign that starts now (startNow) or at startAt.");
        campaigns.MapPut("/{id:long}", EditAsync).RequireAuthorization(Roles.Policies.Edit)
            .Produces<CampaignView>()
            .WithSummary("Change the name and start of a campaign that has not started (409 once it has).");
        campaigns.MapPost("/{id:long}/finish", (long id, FlowDbContext db, TimeProvider time, CancellationToken ct) => AnswerAsync(db, CampaignBook.FinishAsync(db, id, time.GetUtcNow(), ct), created: false, ct))
            .RequireAuthorization(Roles.Policies.Edit).WithSummary("Stop further delivery (a campaign not started never starts).");
        campaigns.MapPost("/{id:long}/duplicate", (long id, FlowDbContext db, TimeProvider time, CancellationToken ct) => AnswerAsync(db, CampaignBook.DuplicateAsync(db, id, time.GetUtcNow(), ct), created: true, ct))
            .RequireAuthorization(Roles.Policies.Edit).WithSummary("Copy a campaign into a new one that has not started.");
    }

    private static async Task<IResult> ListAsync(string? status, FlowDbContext db, CancellationToken ct)
    {
        var query = db.Campaigns.AsNoTracking();
        if (status is not null)
        {
            if (Parse<CampaignStatus>(status) is not { } wanted)
                return RequestBodies.Problem("Unknown status", $"The status '{status}' is not one of: {string.Join(", ", Enum.GetValues<CampaignStatus>().Select(Name))}.", "status");
            query = query.Where(c => c.Status == wanted);
        }

        var rows = await query.OrderByDescending(c => c.Id).ToListAsync(ct);
        return Results.Ok(await ViewsAsync(db, rows, ct));
    }

    private static async Task<IResult> GetAsync(long id, FlowDbContext db, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is { } campaign
            ? Results.Ok((await ViewsAsync(db, [campaign], ct))[0])
            : Problem(CampaignFailure.NotFound(id));

    private static async Task<IResult> EstimateAsync(string? group, string? period, FlowDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (Parse<CustomerGroup>(group) is not { } parsed)
        {
            return RequestBodies.Problem("Unknown customer group",
                $"The group '{group}' is not one of: {string.Join(", ", Enum.GetValues<CustomerGroup>().Select(Name))}.", "group");
        }

        if (CustomerGroups.ParsePeriod(period) is not { } days)
            return RequestBodies.Problem("Unknown period", $"The period '{period}' is not one of P7D, P14D or P30D.", "period");

        var estimate = await CustomerGroups.EstimateAsync(db, parsed, days, time.GetUtcNow(), ct);
        return Results.Ok(new EstimateView(Name(estimate.Group), CustomerGroups.Window(days), estimate.From, estimate.To, estimate.Reach));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, FlowDbContext db, TimeProvider time, ISchedulerFactory schedulers, CancellationToken ct)
    {
        var (input, problem) = await ReadAsync<CampaignInput>(request, ct);
        if (input is null)
            return problem!;
        var outcome = await CampaignBook.CreateAsync(db, input, time.GetUtcNow(), ct);
        await CampaignJob.StartIfDueAsync(schedulers, outcome.Campaign, time.GetUtcNow(), ct);
        return await AnswerAsync(db, Task.FromResult(outcome), created: true, ct);
    }

    private static async Task<IResult> EditAsync(long id, HttpRequest request, FlowDbContext db, TimeProvider time, ISchedulerFactory schedulers, CancellationToken ct)
    {
        var (edit, problem) = await ReadAsync<CampaignEdit>(request, ct);
        if (edit is null)
            return problem!;
        var outcome = await CampaignBook.EditAsync(db, id, edit, time.GetUtcNow(), ct);
        await CampaignJob.StartIfDueAsync(schedulers, outcome.Campaign, time.GetUtcNow(), ct);
        return await AnswerAsync(db, Task.FromResult(outcome), created: false, ct);
    }

    private static async Task<IResult> AnswerAsync(FlowDbContext db, Task<CampaignOutcome> change, bool created, CancellationToken ct)
    {
        var outcome = await change;
        if (outcome.Failure is { } failure)
            return Problem(failure);
        var view = (await ViewsAsync(db, [outcome.Campaign!], ct))[0];
        return created ? Results.Created($"/api/campaigns/{view.Id}", view) : Results.Ok(view);
    }

    private static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        var (document, problem) = await RequestBodies.ReadJsonAsync(request, ct);
        if (problem is not null)
            return (null, problem);
        using (document)
        {
            var read = JsonDocumentReader.Read<T>(RequestBodies.Text(document!));
            if (read.Value is not null)
                return (read.Value, null);
            var first = read.Problems[0];
            return (null, RequestBodies.Problem("The campaign is not well-formed", first.Message, first.Path ?? first.Location,
                new Dictionary<string, object?> { ["problems"] = read.Problems }));
        }
    }

    private static IResult Problem(CampaignFailure failure) => failure.Kind switch
    {
        CampaignFailureKind.NotFound => Results.Problem(title: "No such campaign", detail: failure.Message, statusCode: StatusCodes.Status404NotFound),
        CampaignFailureKind.Conflict => Results.Problem(title: "Not possible in this status", detail: failure.Message, statusCode: StatusCodes.Status409Conflict),
        _ => RequestBodies.Problem("The campaign has problems", failure.Message, $"$.{failure.Problems[0].Field}",
            new Dictionary<string, object?> { ["problems"] = failure.Problems.Select(p => new { field = $"$.{p.Field}", message = p.Message }).ToList() }),
    };

    private static async Task<IReadOnlyList<CampaignView>> ViewsAsync(FlowDbContext db, IReadOnlyList<CampaignRecord> campaigns, CancellationToken ct)
    {
        var counts = await CampaignCounts.ForFlowsAsync(db, campaigns.Select(c => c.FlowId).OfType<string>().ToList(), ct);
        return [.. campaigns.Select(c => new CampaignView(
            c.Id, c.Name, Name(c.Status),
            c.CannotDeliverReason is { } reason ? new CannotDeliverView(reason, c.CannotDeliverDetail ?? "") : null,
            c.Status == CampaignStatus.NotStarted,
            Name(c.Group), CustomerGroups.Window(c.PeriodDays), Name(c.Channel), c.Title, c.Body, c.CouponPool,
            c.StartAt, c.StartedAt, c.FinishedAt, c.CreatedAt, c.UpdatedAt,
            c.Reach, c.FlowId, c.DuplicatedFrom,
            c.FlowId is { } flowId ? counts[flowId] : CampaignCounts.None))];
    }

    /// <summary>A query-string name as the bodies spell it; Enum.TryParse would also take numbers and "a, b" flag lists.</summary>
    private static T? Parse<T>(string? text)
        where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => string.Equals(Name(v), text, StringComparison.OrdinalIgnoreCase)).Cast<T?>().FirstOrDefault();

    /// <summary>An enum value as the JSON bodies spell it (camelCase: notStarted, addedToCart, chat).</summary>
    private static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
