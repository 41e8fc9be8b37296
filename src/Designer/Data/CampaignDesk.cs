using Microsoft.EntityFrameworkCore;
using Quartz;
using ReEngage.Flows.Engine.Campaigns;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Scheduling;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Designer.Data;

/// <summary>A campaign in the list with its figures.</summary>
public sealed record CampaignRow(CampaignRecord Campaign, CampaignCounts Counts);

/// <summary>The campaign pages' reads and changes, through the engine's <see cref="CampaignBook"/>.</summary>
public sealed class CampaignDesk(IDbContextFactory<FlowDbContext> databases, MessageRenderer renderer, TimeProvider time, ISchedulerFactory? schedulers = null)
{
    public async Task<IReadOnlyList<CampaignRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var campaigns = await db.Campaigns.AsNoTracking().OrderByDescending(c => c.Id).ToListAsync(cancellationToken);
        var counts = await CampaignCounts.ForFlowsAsync(db, campaigns.Select(c => c.FlowId).OfType<string>().ToList(), cancellationToken);
        return campaigns.Select(c => new CampaignRow(c, c.FlowId is { } flow && counts.TryGetValue(flow, out var n) ? n : CampaignCounts.None)).ToList();
    }

    public async Task<ReachEstimate> EstimateAsync(CustomerGroup group, int periodDays, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await CustomerGroups.EstimateAsync(db, group, periodDays, time.GetUtcNow(), cancellationToken);
    }

    public Task<CampaignOutcome> CreateAsync(CampaignInput input, CancellationToken cancellationToken = default) =>
        ChangeAsync(db => CampaignBook.CreateAsync(db, input, time.GetUtcNow(), cancellationToken), cancellationToken);

    public Task<CampaignOutcome> EditAsync(long id, CampaignEdit edit, CancellationToken cancellationToken = default) =>
        ChangeAsync(db => CampaignBook.EditAsync(db, id, edit, time.GetUtcNow(), cancellationToken), cancellationToken);

    public Task<CampaignOutcome> FinishAsync(long id, CancellationToken cancellationToken = default) =>
        ChangeAsync(db => CampaignBook.FinishAsync(db, id, time.GetUtcNow(), cancellationToken), cancellationToken);

    public Task<CampaignOutcome> DuplicateAsync(long id, CancellationToken cancellationToken = default) =>
        ChangeAsync(db => CampaignBook.DuplicateAsync(db, id, time.GetUtcNow(), cancellationToken), cancellationToken);

    /// <summary>The message as the latest-seen customer would get it, with a stand-in coupon code.</summary>
    public async Task<PreviewedMessage> PreviewAsync(Channel channel, string? title, string body, string? couponPool, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var customer = await MessagePreview.CustomerAsync(db, null, cancellationToken);
        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        var action = new ActionNode { Id = "send", Do = ActionKind.Send, Channel = channel, Title = title, Body = body, Coupon = couponPool is null ? null : new CouponRef { Pool = couponPool } };
        var flow = new FlowDefinition { Id = "campaign-preview", Name = "Campaign", Nodes = [action], Edges = [] };
        return MessagePreview.Render(renderer, action, flow, customer, settings, time.GetUtcNow());
    }

    public async Task<IReadOnlyList<string>> PoolsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return (await EngineState.SettingsAsync(db, cancellationToken)).CouponPools.Select(p => p.Id).ToList();
    }

    /// <summary>Runs a change; a campaign due now starts at once rather than at the campaign job's next round.</summary>
    private async Task<CampaignOutcome> ChangeAsync(Func<FlowDbContext, Task<CampaignOutcome>> change, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var outcome = await change(db);
        if (schedulers is not null)
            await CampaignJob.StartIfDueAsync(schedulers, outcome.Campaign, time.GetUtcNow(), cancellationToken);
        return outcome;
    }
}
