using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>Why a state change could not happen; the flow is left as it was.</summary>
public sealed record ControlResult(bool Changed, string? Problem = null)
{
    public static ControlResult Done { get; } = new(true);
}

/// <summary>
/// Pause, resume and finish, per flow. A paused flow admits no one, advances no run and
/// dispatches none of its queued messages; resuming picks up where it stopped. Finishing ends every
/// run and drops the flow's unsent messages. Asking for a change a flow's state does not allow
/// says so instead of silently doing nothing.
/// </summary>
public static class FlowControl
{
    public static Task<ControlResult> PauseAsync(FlowDbContext db, string flowId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ChangeAsync(db, flowId, now, FlowStatus.Paused, [FlowStatus.Active], cancellationToken);

    public static Task<ControlResult> ResumeAsync(FlowDbContext db, string flowId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ChangeAsync(db, flowId, now, FlowStatus.Active, [FlowStatus.Paused], cancellationToken);

    public static async Task<ControlResult> FinishAsync(FlowDbContext db, string flowId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);

        // One transaction (the caller's, if it has one): the flow's state, its runs, their tallies and its messages change together or not at all.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var result = await ChangeAsync(db, flowId, now, FlowStatus.Finished, [FlowStatus.Active, FlowStatus.Paused, FlowStatus.Draft], cancellationToken);
        if (!result.Changed)
            return result;

        var ended = await db.Runs.Where(r => r.FlowId == flowId && (r.Status == RunStatus.Active || r.Status == RunStatus.Waiting))
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Status, RunStatus.Exited)
                .SetProperty(r => r.EndedAt, now)
                .SetProperty(r => r.EndReason, "flow finished")
                .SetProperty(r => r.WakeAt, (DateTimeOffset?)null)
                .SetProperty(r => r.AwaitEvent, (string?)null), cancellationToken);
        await TallyEndedAsync(db, flowId, ended, cancellationToken);
        await db.Messages.Where(m => m.FlowId == flowId && m.Status == MessageStatus.Pending)
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Status, MessageStatus.Skipped)
                .SetProperty(m => m.Reason, "flow finished")
                .SetProperty(m => m.DoneAt, now), cancellationToken);
        if (transaction is not null)
            await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// The tallies after the flow's <paramref name="ended"/> open runs were ended in SQL: none is
    /// under way any more, and those are exited. (The engine's batches move runs and tallies together.)
    /// </summary>
    private static async Task TallyEndedAsync(FlowDbContext db, string flowId, int ended, CancellationToken cancellationToken)
    {
        await db.RunTallies.Where(t => t.FlowId == flowId && (t.Status == RunStatus.Active || t.Status == RunStatus.Waiting)).ExecuteDeleteAsync(cancellationToken);
        if (ended == 0)
            return;
        await NodeCounts.AddUpAsync(db, [new RunTallyRecord { FlowId = flowId, Status = RunStatus.Exited, Count = ended }], cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<ControlResult> ChangeAsync(FlowDbContext db, string flowId, DateTimeOffset now, FlowStatus to, FlowStatus[] from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var flow = await db.Flows.SingleOrDefaultAsync(f => f.Id == flowId, cancellationToken);
        if (flow is null)
            return new ControlResult(false, $"There is no flow '{flowId}'.");
        if (flow.Status == to)
            return new ControlResult(false, $"The flow '{flowId}' is already {to.ToString().ToLowerInvariant()}.");
        if (!from.Contains(flow.Status))
            return new ControlResult(false, $"A {flow.Status.ToString().ToLowerInvariant()} flow cannot become {to.ToString().ToLowerInvariant()}.");

        flow.Status = to;
        flow.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return ControlResult.Done;
    }
}
