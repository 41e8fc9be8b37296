using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Storage;

/// <summary>
/// The LeanerKeys migration (small keyed tables WITHOUT ROWID, entries keyed customer first, the
/// due-time index only over runs with a due time) on a store with rows in every table it rebuilds,
/// up and down; and the time-ordered ids the engine keys runs and events with.
/// </summary>
public sealed class LeanerKeysTests : IDisposable
{
    private const string Before = "20261202004835_StepLogInRuns";

    private const string After = "20261202042747_LeanerKeys";

    private static readonly string[] Rebuilt = ["CustomerOrders", "Entries", "IdentityLinks", "NodeCounts"];

    private readonly StoreFolder store = new("leaner-keys");

    public void Dispose() => store.Dispose();

    [Fact]
    public async Task The_migration_keeps_every_row_of_the_tables_it_rebuilds_up_and_down()
    {
        var databases = store.Databases();
        await using (var db = databases.CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(Before);
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "Entries" ("FlowId", "CustomerId", "LastEnteredAt", "Entries") VALUES ('cart', 'c-2', 20, 2), ('cart', 'c-1', 10, 1), ('welcome', 'c-1', 30, 1);
                INSERT INTO "CustomerOrders" ("CustomerId", "OrderId") VALUES ('c-1', 'o-2'), ('c-1', 'o-1');
                INSERT INTO "NodeCounts" ("FlowId", "NodeId", "Outcome", "Port", "Day", "Count") VALUES ('cart', 'send', 'Sent', '', 7, 3);
                INSERT INTO "IdentityLinks" ("AnonymousId", "CustomerId") VALUES ('anon-1', 'c-1');
                """);
            Assert.Equal(Rows(), await RowsAsync(db));
            await db.GetService<IMigrator>().MigrateAsync(After);
        }

        await using (var db = databases.CreateDbContext())
        {
            Assert.Equal(Rows(), await RowsAsync(db));
            foreach (var table in Rebuilt)
                Assert.EndsWith("WITHOUT ROWID", await SchemaAsync(db, "table", table), StringComparison.Ordinal);
            Assert.Contains("PRIMARY KEY (\"CustomerId\", \"FlowId\")", await SchemaAsync(db, "table", "Entries"), StringComparison.Ordinal);
            Assert.Null(await SchemaAsync(db, "index", "IX_Entries_CustomerId"));
            Assert.EndsWith("WHERE \"WakeAt\" IS NOT NULL", await SchemaAsync(db, "index", "IX_Runs_Status_WakeAt"), StringComparison.Ordinal);

            // The rebuilt tables are read and written as before, by the new key order (entries in
            // SQL: a later migration moved them into the profiles, and EF's model has them no more).
            Assert.NotNull(await db.CustomerOrders.FindAsync("c-1", "o-2"));
            db.CustomerOrders.Add(new CustomerOrderRecord { CustomerId = "c-3", OrderId = "o-3" });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE "Entries" SET "Entries" = 5 WHERE "CustomerId" = 'c-1' AND "FlowId" = 'cart';
                INSERT INTO "Entries" ("FlowId", "CustomerId", "LastEnteredAt", "Entries") VALUES ('cart', 'c-3', 0, 1);
                """);

            await db.GetService<IMigrator>().MigrateAsync(Before);
        }

        await using (var db = databases.CreateDbContext())
        {
            var rows = await RowsAsync(db);
            Assert.Contains("Entries cart c-1 5", rows);
            Assert.Contains("Entries cart c-3 1", rows);
            Assert.Contains("CustomerOrders c-3 o-3", rows);
            foreach (var table in Rebuilt)
                Assert.DoesNotContain("WITHOUT ROWID", await SchemaAsync(db, "table", table), StringComparison.Ordinal);
            Assert.NotNull(await SchemaAsync(db, "index", "IX_Entries_CustomerId"));
            Assert.DoesNotContain("WHERE", await SchemaAsync(db, "index", "IX_Runs_Status_WakeAt"), StringComparison.Ordinal);
        }
    }

    private static List<string> Rows() =>
        ["CustomerOrders c-1 o-1", "CustomerOrders c-1 o-2", "Entries cart c-1 1", "Entries cart c-2 2", "Entries welcome c-1 1", "IdentityLinks anon-1 c-1", "NodeCounts cart send Sent 3"];

    private static async Task<List<string>> RowsAsync(FlowDbContext db)
    {
        var rows = await db.Database.SqlQueryRaw<string>(
            """
            SELECT 'Entries ' || "FlowId" || ' ' || "CustomerId" || ' ' || "Entries" AS "Value" FROM "Entries"
            UNION ALL SELECT 'CustomerOrders ' || "CustomerId" || ' ' || "OrderId" FROM "CustomerOrders"
            UNION ALL SELECT 'NodeCounts ' || "FlowId" || ' ' || "NodeId" || ' ' || "Outcome" || ' ' || "Count" FROM "NodeCounts"
            UNION ALL SELECT 'IdentityLinks ' || "AnonymousId" || ' ' || "CustomerId" FROM "IdentityLinks"
            """).ToListAsync();
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    private static async Task<string?> SchemaAsync(FlowDbContext db, string type, string name) =>
        (await db.Database.SqlQueryRaw<string>("""SELECT "sql" AS "Value" FROM "sqlite_schema" WHERE "type" = {0} AND "name" = {1}""", type, name).ToListAsync()).SingleOrDefault();

    [Fact]
    public void Ids_made_at_one_instant_sort_in_the_order_they_were_made_as_the_store_keeps_them()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, 123, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 2_000).Select(_ => TimeOrderedIds.Next(at)).ToList();

        var stored = ids.ConvertAll(id => id.ToString().ToUpperInvariant());   // EF Core's SQLite form
        Assert.Equal(stored, stored.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        Assert.All(ids, id => Assert.Equal(0b10, id.Variant >> 2));
        Assert.All(ids, id => Assert.Equal(at.ToUnixTimeMilliseconds(), Milliseconds(id)));
    }

    [Fact]
    public void Ids_of_later_instants_sort_later_and_a_clock_that_goes_back_starts_again_from_its_time()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var first = TimeOrderedIds.Next(at);
        var later = TimeOrderedIds.Next(at.AddMilliseconds(1));
        var earlier = TimeOrderedIds.Next(at.AddDays(-1));

        Assert.True(string.CompareOrdinal(first.ToString(), later.ToString()) < 0);
        Assert.True(string.CompareOrdinal(earlier.ToString(), first.ToString()) < 0);
        Assert.Equal(at.AddDays(-1).ToUnixTimeMilliseconds(), Milliseconds(earlier));
    }

    private static long Milliseconds(Guid id) => Convert.ToInt64(id.ToString("N")[..12], 16);
}
