using Microsoft.EntityFrameworkCore;
using Quartz;
using ReEngage.Flows.Engine.Campaigns;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Scheduling;

/// <summary>The engine tick: advances every run whose due time has come, in batches.</summary>
[DisallowConcurrentExecution]
public sealed class EngineTickJob(FlowEngine engine) : IJob
{
    public static readonly JobKey Key = new("engine-tick", "reengage");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await engine.TickAsync(cancellationToken: cancellationToken);
}

/// <summary>Delivers the outbox through the channel adapters.</summary>
[DisallowConcurrentExecution]
public sealed class DispatchJob(OutboxDispatcher dispatcher) : IJob
{
    public static readonly JobKey Key = new("dispatch", "reengage");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await dispatcher.DispatchAsync(cancellationToken: cancellationToken);
}

/// <summary>Enters the customers whose date-trigger moments passed since the last sweep.</summary>
[DisallowConcurrentExecution]
public sealed class DateSweepJob(FlowEngine engine, IDbContextFactory<FlowDbContext> databases) : IJob
{
    public static readonly JobKey Key = new("date-sweep", "reengage");
    private const string MarkKey = "date-sweep";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = engine.Time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var mark = await db.EngineState.FindAsync([MarkKey], cancellationToken);
        var from = mark is null ? now.AddMinutes(-1) : DateTimeOffset.Parse(mark.Value, System.Globalization.CultureInfo.InvariantCulture);
        await engine.SweepDatesAsync(from, now, cancellationToken);
        if (mark is null)
            db.EngineState.Add(new EngineStateRecord { Key = MarkKey, Value = now.ToString("O") });
        else
            mark.Value = now.ToString("O");
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>A flow's schedule trigger fired: its audience enters.</summary>
[DisallowConcurrentExecution]
public sealed class ScheduleTriggerJob(FlowEngine engine) : IJob
{
    public const string FlowIdKey = "flowId";
    public const string TriggerIdKey = "triggerId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        await engine.FireScheduleAsync(data.GetString(FlowIdKey)!, data.GetString(TriggerIdKey)!, cancellationToken: cancellationToken);
    }
}

/// <summary>Recomputes RFM scores and segments over the customer base, daily.</summary>
[DisallowConcurrentExecution]
public sealed class RfmJob(IDbContextFactory<FlowDbContext> databases, TimeProvider time) : IJob
{
    public static readonly JobKey Key = new("rfm", "reengage");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await RfmScoring.RecomputeAsync(db, time.GetUtcNow(), cancellationToken);
    }
}

/// <summary>Marks chats read that stayed unread longer than the auto-read setting (5 days by default).</summary>
[DisallowConcurrentExecution]
public sealed class AutoReadJob(IDbContextFactory<FlowDbContext> databases, TimeProvider time) : IJob
{
    public static readonly JobKey Key = new("auto-read", "reengage");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        var after = Model.Durations.TryParse(settings.Guardrails.AutoReadAfter, out var period) ? period : NodaTime.Period.FromDays(5);
        var cutoff = LocalClock.Add(time.GetUtcNow(), NodaTime.Period.Zero - after, NodaTime.DateTimeZone.Utc);
        foreach (var message in await db.Messages.Where(m => m.Channel == Model.Channel.Chat && m.Status == MessageStatus.Sent && m.ReadAt == null && m.DueAt <= cutoff).ToListAsync(cancellationToken))
            message.ReadAt = LocalClock.Add(message.DueAt, after, NodaTime.DateTimeZone.Utc);
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Starts one-off campaigns whose time has come and finishes those with nothing left to deliver.</summary>
[DisallowConcurrentExecution]
public sealed class CampaignJob(CampaignRunner campaigns) : IJob
{
    public static readonly JobKey Key = new("campaigns", "reengage");

    /// <summary>A campaign due now starts at once rather than at this job's next round.</summary>
    public static async Task StartIfDueAsync(ISchedulerFactory schedulers, Storage.CampaignRecord? campaign, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        if (campaign?.StartAt is { } at && at <= now)
            await (await schedulers.GetScheduler(cancellationToken)).TriggerJob(Key, cancellationToken);
    }

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await campaigns.SweepAsync(cancellationToken);
}
