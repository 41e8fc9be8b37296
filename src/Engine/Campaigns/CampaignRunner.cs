using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Guardrails;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Campaigns;

/// <summary>The stable codes of why a campaign cannot deliver; the sentence beside each says it to a marketer.</summary>
public static class CannotDeliverReasons
{
    public const string NoCustomers = "no-customers";
    public const string CouponPoolUnknown = "coupon-pool-unknown";
    public const string CouponPoolUsedUp = "coupon-pool-used-up";
    public const string WeeklyQuotaUsedUp = "weekly-quota-used-up";
    public const string PausedPastStart = "paused-past-start";
    public const string InvalidMessage = "invalid-message";
}

/// <summary>What one sweep did.</summary>
public sealed record CampaignSweep(int Started, int CannotDeliver, int Finished);

/// <summary>
/// Starts campaigns whose time has come and finishes those that have nothing left to deliver; the
/// Quartz campaign job calls <see cref="SweepAsync"/> every few seconds (and at once for "start
/// now"). Starting publishes the campaign's generated flow and fires its one-off trigger, which
/// enters the group through the engine; a campaign that cannot start gets the reason instead.
/// Each step can be repeated after a crash: the flow publishes once (same content, same version)
/// and the trigger enters each customer once (reentry never).
/// </summary>
public sealed class CampaignRunner(IDbContextFactory<FlowDbContext> databases, FlowCatalog catalog, FlowEngine engine, TimeProvider time)
{
    public async Task<CampaignSweep> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        List<long> due;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Campaigns.AsNoTracking()
                .Where(c => c.Status == CampaignStatus.NotStarted && c.StartAt != null && c.StartAt <= now)
                .OrderBy(c => c.StartAt).ThenBy(c => c.Id)
                .Select(c => c.Id)
                .ToListAsync(cancellationToken);
        }

        int started = 0, failed = 0;
        foreach (var id in due)
        {
            switch (await StartAsync(id, cancellationToken))
            {
                case CampaignStatus.Delivering:
                    started++;
                    break;
                case CampaignStatus.CannotDeliver:
                    failed++;
                    break;
            }
        }

        return new CampaignSweep(started, failed, await FinishDeliveredAsync(cancellationToken));
    }

    /// <summary>Starts one due campaign; returns its status afterwards (still not started under a global pause).</summary>
    private async Task<CampaignStatus> StartAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == id, cancellationToken);
        var now = time.GetUtcNow();
        if (campaign.Status != CampaignStatus.NotStarted || campaign.StartAt is not { } startAt || startAt > now)
            return campaign.Status;   // finished or moved by a marketer since the sweep listed it
        var settings = await EngineState.SettingsAsync(db, cancellationToken);

        if (await EngineState.IsGloballyPausedAsync(db, cancellationToken))
        {
            // Under a global pause the campaign waits; a start that slips past the late-send window
            // would reach customers at a moment nobody chose, so it is called off instead.
            var late = settings.Guardrails.LateSendPeriod();
            if (LocalClock.Add(startAt, late, DateTimeZone.Utc) >= now)
                return campaign.Status;
            return await CannotDeliverAsync(db, campaign, now, CannotDeliverReasons.PausedPastStart,
                $"All sending was paused at the start time ({campaign.StartAt:O}) and stayed paused for more than {settings.Guardrails.LateSendWindow}; duplicate the campaign to send it later.",
                cancellationToken);
        }

        if (await WhyNotAsync(db, campaign, settings, now, cancellationToken) is { } why)
            return await CannotDeliverAsync(db, campaign, now, why.Reason, why.Detail, cancellationToken);

        var flowId = campaign.FlowId ?? await FreeFlowIdAsync(db, campaign.Id, cancellationToken);
        var flow = CampaignFlows.Build(campaign, flowId, startAt);
        var published = await catalog.PublishAsync(db, flow, now, Validation.FlowFiles.ContextFor(settings), FlowSource.Campaign, cancellationToken: cancellationToken);
        if (!published.Published)
        {
            var problem = published.Problems.First(p => p.Severity == Validation.ProblemSeverity.Error);
            return await CannotDeliverAsync(db, campaign, now, CannotDeliverReasons.InvalidMessage, problem.Message, cancellationToken);
        }

        campaign.FlowId = flowId;
        await db.SaveChangesAsync(cancellationToken);
        // The group narrows the candidates in SQL; the audience expression, on the engine's clock, has the last word.
        var group = campaign.Group;
        var period = campaign.PeriodDays;
        await engine.FireScheduleAsync(flowId, CampaignFlows.TriggerId,
            candidates: candidatesDb => CustomerGroups.MembersQuery(candidatesDb, group, time.GetUtcNow().AddDays(-period - 1), time.GetUtcNow()),
            cancellationToken: cancellationToken);

        await db.Entry(campaign).ReloadAsync(cancellationToken);
        if (campaign.Status == CampaignStatus.Finished)
        {
            // Finished by a marketer while it was starting: nothing more goes out.
            await FlowControl.FinishAsync(db, flowId, time.GetUtcNow(), cancellationToken);
            return campaign.Status;
        }

        campaign.Status = CampaignStatus.Delivering;
        campaign.StartedAt = now;
        campaign.UpdatedAt = now;
        campaign.Reach = await db.RunTallies.Where(t => t.FlowId == flowId).SumAsync(t => t.Count, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return campaign.Status;
    }

    /// <summary>The first reason the campaign cannot start now, if any.</summary>
    private static async Task<(string Reason, string Detail)?> WhyNotAsync(FlowDbContext db, CampaignRecord campaign, StoreSettings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (campaign.CouponPool is { } poolId)
        {
            var pool = settings.CouponPools.FirstOrDefault(p => p.Id == poolId);
            if (pool is null)
                return (CannotDeliverReasons.CouponPoolUnknown, $"The coupon pool '{poolId}' no longer exists.");
            if (pool is { Kind: CouponPoolKind.Shared, RedemptionLimit: { } limit }
                && await db.CouponIssues.CountAsync(c => c.PoolId == poolId && c.RedeemedAt != null, cancellationToken) >= limit)
            {
                return (CannotDeliverReasons.CouponPoolUsedUp, $"The shared code of coupon pool '{poolId}' has reached its limit of {limit} redemptions.");
            }
        }

        var estimate = await CustomerGroups.EstimateAsync(db, campaign.Group, campaign.PeriodDays, now, cancellationToken);
        if (estimate.Reach == 0)
            return (CannotDeliverReasons.NoCustomers, $"No one is in the group: there are no {CampaignFlows.Describe(campaign.Group, campaign.PeriodDays)}.");

        var quota = await Quota.CurrentAsync(db, settings, now, cancellationToken);
        if (quota.Used >= quota.Limit)
            return (CannotDeliverReasons.WeeklyQuotaUsedUp, $"This week's sending quota is used up ({quota.Used} of {quota.Limit}); it resets on Monday.");

        return null;
    }

    private static async Task<CampaignStatus> CannotDeliverAsync(FlowDbContext db, CampaignRecord campaign, DateTimeOffset now, string reason, string detail, CancellationToken cancellationToken)
    {
        campaign.Status = CampaignStatus.CannotDeliver;
        campaign.CannotDeliverReason = reason;
        campaign.CannotDeliverDetail = detail;
        campaign.FinishedAt = now;
        campaign.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return campaign.Status;
    }

    /// <summary>campaign-{id}, unless a flow of someone else's already has that id.</summary>
    private static async Task<string> FreeFlowIdAsync(FlowDbContext db, long campaignId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var id = CampaignFlows.FlowIdOf(campaignId, attempt);
            if (!await db.Flows.AnyAsync(f => f.Id == id && f.Source != FlowSource.Campaign, cancellationToken))
                return id;
        }
    }

    /// <summary>Delivering campaigns with no run under way and no message waiting in the outbox are finished.</summary>
    private async Task<int> FinishDeliveredAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var done = await db.Campaigns
            .Where(c => c.Status == CampaignStatus.Delivering
                        && !db.RunTallies.Any(t => t.FlowId == c.FlowId && (t.Status == RunStatus.Active || t.Status == RunStatus.Waiting) && t.Count > 0)
                        && !db.Messages.Any(m => m.FlowId == c.FlowId && m.Status == MessageStatus.Pending))
            .ToListAsync(cancellationToken);
        foreach (var campaign in done)
        {
            await FlowControl.FinishAsync(db, campaign.FlowId!, now, cancellationToken);
            campaign.Status = CampaignStatus.Finished;
            campaign.FinishedAt = now;
            campaign.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return done.Count;
    }
}
