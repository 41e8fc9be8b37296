using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Storage;

/// <summary>
/// The RunTallies migration counts a store's runs into tallies (by flow, status and, while under
/// way, node) and trades the runs' index by flow and status for one by flow, which
/// RunsWithoutFlowIndex then drops; down, the other way.
/// That the engine keeps tallies and runs in step is checked at the end of every scenario
/// (<see cref="EngineHarness.AssertTalliesMatchRunsAsync"/>).
/// </summary>
public sealed class RunTalliesTests : IDisposable
{
    private const string Before = "20261202140827_CompactStepLogs";

    private const string Tallies = "20261202143723_RunTallies";

    private readonly StoreFolder store = new("run-tallies");

    public void Dispose() => store.Dispose();

    [Fact]
    public async Task The_migrations_count_the_stored_runs_and_drop_the_runs_index_by_flow()
    {
        var databases = store.Databases();
        await using (var db = databases.CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(Before);
            (string Flow, string Status, string Node)[] runs =
                [("cart", "Waiting", "wait-4h"), ("cart", "Waiting", "wait-4h"), ("cart", "Active", "send"), ("cart", "Completed", "exit"), ("cart", "Exited", "wait-4h"), ("welcome", "Completed", "done")];
            foreach (var (flow, status, node) in runs)
            {
                await db.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "Runs" ("Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "EnteredAt", "StepCount", "MessagesSent") VALUES ({0}, {1}, 1, 'c-1', {2}, {3}, 0, 0, 0)""",
                    Guid.CreateVersion7().ToString().ToUpperInvariant(), flow, status, node);
            }

            await db.GetService<IMigrator>().MigrateAsync(Tallies);
            Assert.Equal(["IX_Runs_CustomerId_Status", "IX_Runs_FlowId", "IX_Runs_Status_WakeAt"], await RunIndexesAsync(db));
            await StorageSetup.MigrateAsync(db);
        }

        await using (var db = databases.CreateDbContext())
        {
            var tallies = await db.RunTallies.AsNoTracking().ToListAsync();
            Assert.Equal(
                ["cart Active send 1", "cart Completed  1", "cart Exited  1", "cart Waiting wait-4h 2", "welcome Completed  1"],
                tallies.Select(t => $"{t.FlowId} {t.Status} {t.NodeId} {t.Count}").Order(StringComparer.Ordinal));
            Assert.Equal(["IX_Runs_CustomerId_Status", "IX_Runs_Status_WakeAt"], await RunIndexesAsync(db));

            await db.GetService<IMigrator>().MigrateAsync(Before);
        }

        await using (var check = databases.CreateDbContext())
        {
            Assert.Equal(["IX_Runs_CustomerId_Status", "IX_Runs_FlowId_Status", "IX_Runs_Status_WakeAt"], await RunIndexesAsync(check));
            Assert.Empty(await check.Database.SqlQueryRaw<string>("""SELECT "name" AS "Value" FROM "sqlite_schema" WHERE "name" = 'RunTallies'""").ToListAsync());
            Assert.Equal(6, await check.Runs.CountAsync());
        }
    }

    private static Task<List<string>> RunIndexesAsync(FlowDbContext db) =>
        db.Database.SqlQueryRaw<string>("""SELECT "name" AS "Value" FROM "sqlite_schema" WHERE "type" = 'index' AND "tbl_name" = 'Runs' AND "sql" IS NOT NULL ORDER BY "name" """).ToListAsync();
}
