using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks;

/// <summary>
/// Issue #3, P2: events ingested in batches of 500 by <c>FlowEngine.IngestAsync</c> with 20 live
/// published flows (the 14 shipped flows and copies of six event-triggered ones: event triggers on
/// the types sent and on others, conditions, delays, waits, immediate sends), against a plain batched
/// insert of the same <c>EventRecord</c> rows into the same kind of store (EF Core AddRange +
/// SaveChanges per batch: the baseline; and a prepared Microsoft.Data.Sqlite command per batch, to
/// compare). 10 000 events from 2 000 customers per iteration, each iteration on a fresh copy of the
/// store. Times are per event (OperationsPerInvoke): events/s = 1 / Mean. Target: engine ≥ 0.5× the
/// plain insert's rate, i.e. Ratio ≤ 2. Twenty warm-up iterations: on two cores the tiered JIT keeps
/// recompiling the engine's code for its first twenty passes or so (300 ms of compilation and 360–880
/// methods in each of passes 17–19, a dozen a pass from the 21st on), which a running host pays once.
/// Each iteration's copy of the store starts with a write-ahead log as large as the last passes' (see
/// <see cref="IngestFixture.Copy"/>), as a running store's is.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 20, iterationCount: 7, invocationCount: 1, id: "p2")]
public class IngestBenchmark
{
    public const int Events = 10_000;

    private IngestFixture? fixture;
    private string path = "";
    private BenchStore? store;

    [GlobalSetup]
    public void Setup() => fixture = IngestFixture.CreateAsync(Events).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => fixture?.Dispose();

    [IterationSetup]
    public void SetupIteration()
    {
        path = fixture!.Copy();
        store = BenchStore.OpenAsync(path, IngestFixture.Now(Events)).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void CleanupIteration()
    {
        var stored = store!.Scalar("SELECT COUNT(*) FROM \"Events\"");
        fixture!.KeepLogSize(path);
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        DueRunsFixture.Delete(path);
        if (stored != Events)
            throw new InvalidOperationException($"{stored} events stored, {Events} expected.");
    }

    [Benchmark(Description = "engine: IngestAsync, batches of 500, 20 live flows", OperationsPerInvoke = Events)]
    public async Task<int> Engine()
    {
        var accepted = 0;
        foreach (var batch in fixture!.Batches)
            accepted += (await store!.Engine.IngestAsync(batch)).Count(o => o.Status == IngestStatus.Accepted);
        return accepted == Events ? accepted : throw new InvalidOperationException($"{accepted} of {Events} events accepted.");
    }

    [Benchmark(Baseline = true, Description = "plain insert: EF Core AddRange + SaveChanges, batches of 500", OperationsPerInvoke = Events)]
    public async Task EfCoreInsert()
    {
        foreach (var batch in fixture!.Batches)
        {
            await using var db = store!.Databases.CreateDbContext();
            var now = store.Clock.GetUtcNow();
            db.Events.AddRange(batch.Select(e => IngestFixture.Row(e, now)));
            await db.SaveChangesAsync();
        }
    }

    [Benchmark(Description = "plain insert: prepared SQLite command in a transaction, batches of 500", OperationsPerInvoke = Events)]
    public async Task PreparedInsert()
    {
        await using var connection = new SqliteConnection(store!.ConnectionString);
        await connection.OpenAsync();
        foreach (var batch in fixture!.Batches)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO \"Events\" (\"Key\", \"EventId\", \"Type\", \"CustomerId\", \"AnonymousId\", \"OccurredAt\", \"ReceivedAt\", \"PropertiesJson\") VALUES ($key, $id, $type, $customer, $anonymous, $occurred, $received, $properties)";
            var key = command.Parameters.Add("$key", SqliteType.Text);
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var type = command.Parameters.Add("$type", SqliteType.Text);
            var customer = command.Parameters.Add("$customer", SqliteType.Text);
            var anonymous = command.Parameters.Add("$anonymous", SqliteType.Text);
            var occurred = command.Parameters.Add("$occurred", SqliteType.Integer);
            var received = command.Parameters.Add("$received", SqliteType.Integer);
            var properties = command.Parameters.Add("$properties", SqliteType.Text);
            command.Prepare();
            var now = store.Clock.GetUtcNow();
            foreach (var incoming in batch)
            {
                var row = IngestFixture.Row(incoming, now);
                key.Value = Bulk.Text(row.Key);
                id.Value = (object?)row.EventId ?? DBNull.Value;
                type.Value = row.Type;
                customer.Value = row.CustomerId;
                anonymous.Value = (object?)row.AnonymousId ?? DBNull.Value;
                occurred.Value = row.OccurredAt.UtcTicks;
                received.Value = row.ReceivedAt.UtcTicks;
                properties.Value = row.PropertiesJson;
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }
}
