using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Campaigns;

public enum CampaignFailureKind
{
    NotFound,

    /// <summary>The request is wrong (a field); nothing changed.</summary>
    Invalid,

    /// <summary>The campaign's status does not allow the change; nothing changed.</summary>
    Conflict,
}

public sealed record CampaignFailure(CampaignFailureKind Kind, string Message, IReadOnlyList<CampaignProblem> Problems)
{
    public static CampaignFailure NotFound(long id) => new(CampaignFailureKind.NotFound, $"There is no campaign {id}.", []);

    public static CampaignFailure Conflict(string message) => new(CampaignFailureKind.Conflict, message, []);

    public static CampaignFailure Invalid(IReadOnlyList<CampaignProblem> problems) => new(CampaignFailureKind.Invalid, problems[0].Message, problems);
}

/// <summary>The campaign after a change, or why the change did not happen.</summary>
public sealed record CampaignOutcome(CampaignRecord? Campaign, CampaignFailure? Failure)
{
    public static implicit operator CampaignOutcome(CampaignRecord campaign) => new(campaign, null);

    public static implicit operator CampaignOutcome(CampaignFailure failure) => new(null, failure);
}

/// <summary>
/// The campaign state machine as marketers drive it: create, edit (name and start, only before it
/// starts), finish, duplicate. Starting, and finishing once everything went out, is
/// <see cref="CampaignRunner"/>'s. A change the status does not allow is refused with the reason.
/// </summary>
public static class CampaignBook
{
    public static async Task<CampaignOutcome> CreateAsync(FlowDbContext db, CampaignInput input, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var problems = CampaignFlows.Check(input, await EngineState.SettingsAsync(db, cancellationToken), now);
        if (problems.Count > 0)
            return CampaignFailure.Invalid(problems);

        var campaign = new CampaignRecord
        {
            Name = input.Name.Trim(),
            Status = CampaignStatus.NotStarted,
            Group = input.Group,
            PeriodDays = CustomerGroups.ParsePeriod(input.Period)!.Value,
            Channel = input.Channel,
            Title = input.Title,
            Body = input.Body,
            CouponPool = input.CouponPool,
            StartAt = CampaignFlows.StartOf(input.StartAt, input.StartNow, now),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        return campaign;
    }

    public static async Task<CampaignOutcome> EditAsync(FlowDbContext db, long id, CampaignEdit edit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(edit);
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
            return CampaignFailure.NotFound(id);
        if (campaign.Status != CampaignStatus.NotStarted)
            return CampaignFailure.Conflict($"Campaign {id} is {Describe(campaign.Status)}; only a campaign that has not started can be edited. Duplicate it to change and send it again.");
        var problems = CampaignFlows.Check(edit, now);
        if (problems.Count > 0)
            return CampaignFailure.Invalid(problems);

        campaign.Name = edit.Name.Trim();
        campaign.StartAt = CampaignFlows.StartOf(edit.StartAt, edit.StartNow, now);
        campaign.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return campaign;
    }

    /// <summary>
    /// Stops further delivery: a campaign not started yet never starts; a delivering one ends its
    /// runs and drops its unsent messages (what went out stays counted).
    /// </summary>
    public static async Task<CampaignOutcome> FinishAsync(FlowDbContext db, long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
            return CampaignFailure.NotFound(id);
        if (campaign.Status is CampaignStatus.Finished or CampaignStatus.CannotDeliver)
            return CampaignFailure.Conflict($"Campaign {id} has already ended: it is {Describe(campaign.Status)}.");

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (campaign.FlowId is { } flowId)
            await FlowControl.FinishAsync(db, flowId, now, cancellationToken);
        campaign.Status = CampaignStatus.Finished;
        campaign.FinishedAt = now;
        campaign.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return campaign;
    }

    /// <summary>
    /// A new campaign with the same group, period, message and coupon, not started. It keeps the
    /// original's start time only while that is still ahead, so a copy never goes out by surprise.
    /// </summary>
    public static async Task<CampaignOutcome> DuplicateAsync(FlowDbContext db, long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var original = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (original is null)
            return CampaignFailure.NotFound(id);

        var name = $"{original.Name} (copy)";
        var copy = new CampaignRecord
        {
            Name = name.Length <= CampaignFlows.MaxNameLength ? name : name[..CampaignFlows.MaxNameLength],
            Status = CampaignStatus.NotStarted,
            Group = original.Group,
            PeriodDays = original.PeriodDays,
            Channel = original.Channel,
            Title = original.Title,
            Body = original.Body,
            CouponPool = original.CouponPool,
            StartAt = original.StartAt > now ? original.StartAt : null,
            CreatedAt = now,
            UpdatedAt = now,
            DuplicatedFrom = original.Id,
        };
        db.Campaigns.Add(copy);
        await db.SaveChangesAsync(cancellationToken);
        return copy;
    }

    public static string Describe(CampaignStatus status) => status switch
    {
        CampaignStatus.NotStarted => "not yet started",
        CampaignStatus.Delivering => "delivering",
        CampaignStatus.Finished => "finished",
        _ => "unable to deliver",
    };
}
