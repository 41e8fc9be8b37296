using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Tests.Storage;

/// <summary>
/// The SQLite write path under the engine: the bulk writer's own prepared statements, and the WAL
/// checkpoints that run beside the writer instead of inside its commits.
/// </summary>
public sealed class SqliteWritePathTests : IAsyncLifetime
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("reengage-write-path-");
    private FlowDbContextFactory databases = null!;

    private string Path => System.IO.Path.Combine(folder.FullName, "engine.db");

    public async Task InitializeAsync() => databases = await FlowDbContextFactory.SqliteAsync(Path);

    public async Task DisposeAsync()
    {
        await StorageSetup.WaitForCheckpointsAsync();
        SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_bulk_insert_of_many_rows_keeps_their_order_and_their_columns()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 30, 15, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 77).Select(i => Event(Guid.CreateVersion7(), at.AddSeconds(i), $"e-{i}")).ToList();
        for (var i = 0; i < rows.Count; i += 5)
            rows[i].AnonymousId = $"browser-{i}";   // nulls and values in turn on one prepared statement
        await using (var db = databases.CreateDbContext())
            await BulkWriter.InsertAsync(db, rows, CancellationToken.None);

        await using var check = databases.CreateDbContext();
        var stored = await check.Events.AsNoTracking().OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal(rows.Select(r => (r.Key, r.EventId, r.AnonymousId, r.OccurredAt)), stored.Select(r => (r.Key, r.EventId, r.AnonymousId, r.OccurredAt)));
        Assert.Equal(Enumerable.Range(1, 77).Select(i => (long)i), stored.Select(r => r.Seq));
    }

    [Fact]
    public async Task Bulk_writes_store_every_column_as_EF_reads_it_back()
    {
        var key = Guid.CreateVersion7();
        var at = new DateTimeOffset(2026, 3, 2, 10, 30, 15, TimeSpan.FromHours(2));
        await using (var db = databases.CreateDbContext())
        {
            await BulkWriter.InsertAsync(db, [Event(key, at, "e-1")], CancellationToken.None);
            db.Customers.Add(new CustomerRecord { Id = "c-1", TotalSpent = 12.5m, Email = null, IsAnonymous = true, RfmSegment = "", AttributesJson = """{"firstName":"Zoë","city":"東京"}""" });
            Assert.True(await BulkWriter.SaveAsync(db, CancellationToken.None));
        }

        await using var check = databases.CreateDbContext();
        // Looked up by key: EF compares the key as the text it writes itself.
        var stored = await check.Events.SingleAsync(e => e.Key == key);
        Assert.Equal((key, "cart.added", "c-1", at, "{\"price\":19.9}"), (stored.Key, stored.Type, stored.CustomerId, stored.OccurredAt, stored.PropertiesJson));
        Assert.Null(stored.AnonymousId);
        var customer = await check.Customers.SingleAsync();
        Assert.Equal((12.5m, true, (string?)null, ""), (customer.TotalSpent, customer.IsAnonymous, customer.Email, customer.RfmSegment));
        Assert.Equal("""{"firstName":"Zoë","city":"東京"}""", customer.AttributesJson);
    }

    [Fact]
    public async Task Bulk_reads_give_every_column_as_EF_reads_it_whichever_path_wrote_it()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 30, 15, TimeSpan.Zero).AddTicks(7);
        var run = new RunRecord
        {
            Id = Guid.CreateVersion7(), FlowId = "cart", Version = 3, CustomerId = "c-1", Status = RunStatus.Waiting, NodeId = "wait",
            WakeAt = at.AddHours(4), AwaitEvent = "order.placed", EnteredAt = at, EndedAt = null, EndReason = null, EventKey = Guid.CreateVersion7(),
            Branch = "B", LastMessageNodeId = "send", StepCount = 4, MessagesSent = 1, Log = """[{"n":"start"}]""",
        };
        CustomerRecord Customer(string id) => new()
        {
            Id = id, IsAnonymous = false, Email = "ana@example.com", Phone = null, AttributesJson = """{"city":"東京"}""", TagsJson = """["vip"]""",
            ConsentJson = "{}", TimeZone = "Asia/Tokyo", Points = 12, Tier = "gold", OrderCount = 2, TotalSpent = 40.25m, CartValue = 0.1m,
            LastOrderAt = at, LastSeenAt = at.AddMinutes(1), FirstSeenAt = null, RfmR = 5, RfmF = 4, RfmM = 3, RfmSegment = "Champions",
        };
        await using (var db = databases.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkWriter.InsertAsync(db, [run], CancellationToken.None);
            await BulkWriter.InsertAsync(db, [Customer("c-bulk")], CancellationToken.None);
            db.Customers.Add(Customer("c-ef"));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = databases.CreateDbContext();
        await using var read = await check.Database.BeginTransactionAsync();
        var runs = await BulkWriter.ReadAsync<RunRecord>(check, "\"CustomerId\" = ?1", ["c-1"], CancellationToken.None);
        AssertSameColumns(await check.Runs.AsNoTracking().SingleAsync(), Assert.Single(runs));
        AssertSameColumns(run, runs[0]);
        foreach (var id in new[] { "c-bulk", "c-ef" })
        {
            var customer = Assert.Single(await BulkWriter.ReadAsync<CustomerRecord>(check, "\"Id\" = ?1", [id], CancellationToken.None));
            AssertSameColumns(await check.Customers.AsNoTracking().SingleAsync(c => c.Id == id), customer);
            AssertSameColumns(Customer(id), customer);
        }
    }

    [Fact]
    public async Task A_stored_status_name_or_key_of_another_shape_fails_the_read_as_EFs_would()
    {
        await using (var db = databases.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "Runs" ("Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "EnteredAt", "StepCount", "MessagesSent") VALUES ({0}, 'cart', 1, 'c-sleepy', 'Sleeping', 'wait', 0, 0, 0)""",
                Guid.CreateVersion7().ToString().ToUpperInvariant());
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "Runs" ("Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "EnteredAt", "StepCount", "MessagesSent") VALUES ('not-a-key', 'cart', 1, 'c-keyless', 'Waiting', 'wait', 0, 0, 0)""");
        }

        await using var check = databases.CreateDbContext();
        await using var read = await check.Database.BeginTransactionAsync();
        var status = await Assert.ThrowsAsync<ArgumentException>(() => BulkWriter.ReadAsync<RunRecord>(check, "\"CustomerId\" = ?1", ["c-sleepy"], CancellationToken.None));
        Assert.Contains("Sleeping", status.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FormatException>(() => BulkWriter.ReadAsync<RunRecord>(check, "\"CustomerId\" = ?1", ["c-keyless"], CancellationToken.None));
    }

    private static void AssertSameColumns<T>(T expected, T actual)
    {
        foreach (var property in typeof(T).GetProperties().Where(p => p.CanWrite && p.GetMethod!.IsPublic))
            Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)), $"{typeof(T).Name}.{property.Name}: expected {property.GetValue(expected)}, read {property.GetValue(actual)}");
    }

    [Fact]
    public async Task A_broken_unique_key_fails_with_SQLites_error_and_writes_nothing_of_the_batch()
    {
        await using var db = databases.CreateDbContext();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => BulkWriter.InsertAsync(db,
                [Event(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, "same"), Event(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, "same")],
                CancellationToken.None));
            Assert.Equal(19, error.SqliteErrorCode);   // SQLITE_CONSTRAINT
            Assert.Contains("Events.EventId", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await db.Events.CountAsync());
    }

    [Fact]
    public async Task A_write_outside_a_transaction_waits_for_another_connections_lock()
    {
        await using var other = new SqliteConnection(StorageSetup.SqliteConnectionString(Path));
        await other.OpenAsync();
        var holder = (SqliteTransaction)await other.BeginTransactionAsync();
        await using (var command = other.CreateCommand())
        {
            command.Transaction = holder;
            command.CommandText = "INSERT INTO \"CustomerOrders\" (\"CustomerId\", \"OrderId\") VALUES ('c-0', 'o-0')";
            await command.ExecuteNonQueryAsync();
        }

        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            await holder.CommitAsync();
        });
        await using var db = databases.CreateDbContext();
        await BulkWriter.InsertAsync(db, [Event(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, "e-1")], CancellationToken.None);
        await release;

        Assert.Equal(1, await db.Events.CountAsync());
        Assert.Equal(1, await db.CustomerOrders.CountAsync());
    }

    [Fact]
    public async Task Committed_pages_reach_the_database_file_in_the_background_while_the_connection_stays_open()
    {
        await using var db = databases.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        var before = new FileInfo(Path).Length;
        for (var batch = 0; batch < 3; batch++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var events = Enumerable.Range(0, 2_000).Select(i => Event(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, $"e-{batch}-{i}")).ToList();
            await BulkWriter.InsertAsync(db, events, CancellationToken.None);
            await transaction.CommitAsync();
            await StorageSetup.WaitForCheckpointsAsync();
            await Task.Delay(SqliteCheckpointer.Interval);
        }

        // Far below SQLite's own (backstop) threshold, so only the background checkpoint moved them.
        Assert.True(new FileInfo(System.IO.Path.Combine(folder.FullName, "engine.db-wal")).Length < SqliteCheckpointer.BackstopPages * 4096L);
        Assert.True(new FileInfo(Path).Length > before + 500_000, $"the database file grew from {before} to {new FileInfo(Path).Length} bytes");
        Assert.Equal(6_000, await db.Events.CountAsync());
    }

    private static EventRecord Event(Guid key, DateTimeOffset at, string eventId) => new()
    {
        Key = key,
        EventId = eventId,
        Type = "cart.added",
        CustomerId = "c-1",
        OccurredAt = at,
        ReceivedAt = at,
        PropertiesJson = "{\"price\":19.9}",
    };
}
