using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// The queries a batch runs for every customer, run and event it touches. On SQLite they go through
/// its own prepared statements (<see cref="BulkWriter.ReadAsync{T}"/>), runs without their step logs
/// (see <c>EngineSession.logsUnread</c>); on other providers through EF Core queries compiled once:
/// a replay runs them tens of thousands of times for one or two customers each, and EF's per-call
/// work on the query's expression tree (parameter extraction, cache lookup) cost more than running it.
/// </summary>
internal static class Preloads
{
    public static Task<List<CustomerRecord>> CustomersAsync(FlowDbContext db, string[] ids, CancellationToken cancellationToken) =>
        BulkWriter.Supports(db)
            ? BulkWriter.ReadAsync<CustomerRecord>(db, "\"Id\" IN (SELECT value FROM json_each(?1))", [Json(ids)], cancellationToken)
            : Customers(db, ids).ToListAsync(cancellationToken).AsTask();

    public static Task<List<RunRecord>> OpenRunsAsync(FlowDbContext db, string[] customerIds, CancellationToken cancellationToken) =>
        BulkWriter.Supports(db)
            ? BulkWriter.ReadAsync<RunRecord>(db, "\"CustomerId\" IN (SELECT value FROM json_each(?1)) AND \"Status\" IN (?2, ?3)",
                [Json(customerIds), BulkWriter.Stored<RunRecord>(db, nameof(RunRecord.Status), RunStatus.Active), Waiting(db)], cancellationToken, without: nameof(RunRecord.Log))
            : OpenRuns(db, customerIds).ToListAsync(cancellationToken).AsTask();

    public static Task<List<EventRecord>> EventsAsync(FlowDbContext db, Guid[] keys, CancellationToken cancellationToken) =>
        BulkWriter.Supports(db)
            ? BulkWriter.ReadAsync<EventRecord>(db, "\"Key\" IN (SELECT value FROM json_each(?1))", [Json([.. keys.Select(BulkWriter.StoredKey)])], cancellationToken)
            : Events(db, keys).ToListAsync(cancellationToken).AsTask();

    /// <summary>A tick's batch: the waiting runs due by <paramref name="now"/> of flows not held, the earliest first. Untracked: the session writes those that change (<c>EngineSession.Hold</c>).</summary>
    public static Task<List<RunRecord>> DueRunsAsync(FlowDbContext db, DateTimeOffset now, string[] held, int batchSize, CancellationToken cancellationToken) =>
        BulkWriter.Supports(db)
            ? BulkWriter.ReadAsync<RunRecord>(db, "\"Status\" = ?1 AND \"WakeAt\" <= ?2 AND \"FlowId\" NOT IN (SELECT value FROM json_each(?3)) ORDER BY \"WakeAt\", \"Id\" LIMIT ?4",
                [Waiting(db), BulkWriter.Stored<RunRecord>(db, nameof(RunRecord.WakeAt), now), Json(held), batchSize], cancellationToken, without: nameof(RunRecord.Log))
            : DueRuns(db, now, held, batchSize).ToListAsync(cancellationToken).AsTask();

    /// <summary>A replay batch's waiting runs due before <paramref name="before"/>, of flows not held, in no particular order.</summary>
    public static Task<List<RunRecord>> DueRunsBeforeAsync(FlowDbContext db, DateTimeOffset before, string[] held, CancellationToken cancellationToken) =>
        BulkWriter.Supports(db)
            ? BulkWriter.ReadAsync<RunRecord>(db, "\"Status\" = ?1 AND \"WakeAt\" < ?2 AND \"FlowId\" NOT IN (SELECT value FROM json_each(?3))",
                [Waiting(db), BulkWriter.Stored<RunRecord>(db, nameof(RunRecord.WakeAt), before), Json(held)], cancellationToken, without: nameof(RunRecord.Log))
            : DueRunsBefore(db, before, held).ToListAsync(cancellationToken).AsTask();

    private static object Waiting(FlowDbContext db) => BulkWriter.Stored<RunRecord>(db, nameof(RunRecord.Status), RunStatus.Waiting);

    private static string Json(string[] values) => System.Text.Json.JsonSerializer.Serialize(values);

    // Compiled once: a replay ticks tens of thousands of times, most for a run or two, and EF's
    // per-call work on the query's expression tree cost more than running it.
    private static readonly Func<FlowDbContext, DateTimeOffset, string[], int, IAsyncEnumerable<RunRecord>> DueRuns =
        EF.CompileAsyncQuery((FlowDbContext db, DateTimeOffset now, string[] held, int batchSize) => db.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Waiting && r.WakeAt <= now && !held.Contains(r.FlowId))
            .OrderBy(r => r.WakeAt).ThenBy(r => r.Id)
            .Take(batchSize));

    private static readonly Func<FlowDbContext, DateTimeOffset, string[], IAsyncEnumerable<RunRecord>> DueRunsBefore =
        EF.CompileAsyncQuery((FlowDbContext db, DateTimeOffset before, string[] held) => db.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Waiting && r.WakeAt < before && !held.Contains(r.FlowId)));

    private static readonly Func<FlowDbContext, string[], IAsyncEnumerable<CustomerRecord>> Customers =
        EF.CompileAsyncQuery((FlowDbContext db, string[] ids) => db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)));

    public static readonly Func<FlowDbContext, string, Task<CustomerRecord?>> Customer =
        EF.CompileAsyncQuery((FlowDbContext db, string id) => db.Customers.AsNoTracking().SingleOrDefault(c => c.Id == id));

    private static readonly Func<FlowDbContext, Guid[], IAsyncEnumerable<EventRecord>> Events =
        EF.CompileAsyncQuery((FlowDbContext db, Guid[] keys) => db.Events.AsNoTracking().Where(e => keys.Contains(e.Key)));

    /// <summary>A customer's stored events of one type in (<c>from</c>, <c>to</c>]: what <c>customer.HasEvent</c> and <c>CountEvents</c> read.</summary>
    public static readonly Func<FlowDbContext, string, string, DateTimeOffset, DateTimeOffset, int> CountEvents =
        EF.CompileQuery((FlowDbContext db, string customerId, string type, DateTimeOffset from, DateTimeOffset to) =>
            db.Events.AsNoTracking().Count(e => e.CustomerId == customerId && e.Type == type && e.OccurredAt > from && e.OccurredAt <= to));

    private static readonly Func<FlowDbContext, string[], IAsyncEnumerable<RunRecord>> OpenRuns =
        EF.CompileAsyncQuery((FlowDbContext db, string[] ids) => db.Runs.AsNoTracking().Where(r => ids.Contains(r.CustomerId) && (r.Status == RunStatus.Active || r.Status == RunStatus.Waiting)));
}
