using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Designer.Data;

/// <summary>The customer pages' reads: search, and one customer's facts, runs and timeline.</summary>
public sealed class CustomerDesk(IDbContextFactory<FlowDbContext> databases, TimeProvider time)
{
    public async Task<IReadOnlyList<CustomerHit>> SearchAsync(string? text, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await CustomerDirectory.SearchAsync(db, text, 50, cancellationToken);
    }

    public async Task<CustomerDetail?> DetailAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await CustomerDirectory.DetailAsync(db, id, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The nodes one run passed through, in order, for drawing its path on the flow.</summary>
    public async Task<IReadOnlyList<string>> RunPathAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        return run is null ? [] : StepLog.Read(run).ConvertAll(s => s.NodeId);
    }
}
