using Microsoft.EntityFrameworkCore;
using Quartz;
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
