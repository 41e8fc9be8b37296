using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Storage;

/// <summary>
/// Steps kept in their run's row and summed per node: the log's text form, the sums' upsert on both
/// write paths, and the migration that moves a store's step rows into both (and back).
/// </summary>
public sealed class StepLogTests : IDisposable
{
    private const string BeforeStepLogs = "20261201191414_EntriesByCustomer";

    private const string BeforeCompactLogs = "20261202113027_EntriesInProfiles";

    private readonly StoreFolder store = new("step-log");

    public void Dispose() => store.Dispose();

    private static readonly Guid RunId = Guid.CreateVersion7();

    private static StepRecord Step(int seq, string node, DateTimeOffset at, StepOutcome outcome, string? port = null, string? detail = null) =>
        new() { RunId = RunId, Seq = seq, FlowId = "cart", Version = 3, NodeId = node, At = at, Outcome = outcome, Port = port, Detail = detail };

    private static readonly DateTimeOffset Entered = new DateTimeOffset(2026, 3, 2, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567);

    private static readonly StepRecord[] Steps =
    [
        Step(0, "start", Entered, StepOutcome.Entered),
        Step(1, "wait", Entered, StepOutcome.Waiting, detail: "until 2026-03-03T03:59:59Z"),
        Step(2, "wait", Entered.AddHours(4), StepOutcome.Passed, port: "timeout"),
        Step(3, "send", Entered.AddHours(4), StepOutcome.Suppressed, detail: "suppressed: quiet-hours \"chat\" — Chloé, 東京\n"),
    ];

    [Fact]
    public void A_log_reads_back_every_step_as_it_was_appended()
    {
        var run = new RunRecord { Id = RunId, FlowId = "cart", Version = 3, CustomerId = "c-1", NodeId = "send", EnteredAt = Entered };
        foreach (var step in Steps)
            run.Log = StepLog.Append(run.Log, Entered, step);
        run.StepCount = Steps.Length;

        Assert.Equal(Steps.Select(Flat), StepLog.Read(run).Select(Flat));
        Assert.Empty(StepLog.Read(new RunRecord { FlowId = "cart", CustomerId = "c-1", NodeId = "start" }));

        // A log written as "[]" (a run the migration found without steps) takes its first step like an empty one.
        Assert.Equal([Flat(Steps[0])], StepLog.Read(new RunRecord { Id = RunId, FlowId = "cart", Version = 3, CustomerId = "c-1", NodeId = "start", EnteredAt = Entered, Log = StepLog.Append("[]", Entered, Steps[0]) }).Select(Flat));
    }

    [Fact]
    public void A_log_holds_each_step_by_position_with_its_instant_as_ticks_after_the_entry()
    {
        var log = StepLog.Append("", Entered, Steps);

        Assert.Equal(
            """[[0,"start",0,"Entered"],[1,"wait",0,"Waiting",null,"until 2026-03-03T03:59:59Z"],[2,"wait",144000000000,"Passed","timeout"],"""
            + """[3,"send",144000000000,"Suppressed",null,"suppressed: quiet-hours \"chat\" — Chloé, 東京\u000a"]]""",
            log);
    }

    [Fact]
    public void A_log_not_in_the_stored_shape_fails_naming_its_run()
    {
        var run = new RunRecord { Id = RunId, FlowId = "cart", Version = 3, CustomerId = "c-1", NodeId = "send", EnteredAt = Entered, Log = """[{"seq":0,"node":"start"}]""" };

        var error = Assert.Throws<InvalidDataException>(() => StepLog.Read(run));
        Assert.Contains(RunId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("customer c-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_appended_together_make_the_log_they_make_one_by_one()
    {
        var oneByOne = Steps.Aggregate("", (log, step) => StepLog.Append(log, Entered, step));

        Assert.Equal(oneByOne, StepLog.Append("", Entered, Steps));
        Assert.Equal(oneByOne, StepLog.Append("[]", Entered, Steps));
        Assert.Equal(oneByOne, StepLog.Append(StepLog.Append("", Entered, Steps[..1]), Entered, Steps[1..]));
        Assert.Equal(oneByOne, StepLog.Append(oneByOne, Entered, []));
    }

    [Fact]
    public async Task Sums_add_to_the_stored_ones_on_the_bulk_path_and_on_EFs()
    {
        var databases = await FlowDbContextFactory.SqliteAsync(store.StorePath);
        var day = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        NodeCountRecord Count(string node, int count) => new() { FlowId = "cart", NodeId = node, Outcome = StepOutcome.Passed, Port = "yes", Day = day, Count = count };

        await using (var db = databases.CreateDbContext())
        {
            await BulkWriter.AddUpAsync(db, [Count("check", 2), Count("send", 1)], CancellationToken.None);
            await BulkWriter.AddUpAsync(db, [Count("check", 3)], CancellationToken.None);
        }

        await using (var db = databases.CreateDbContext())
        {
            await NodeCounts.AddUpAsync(db, [Count("check", 10), Count("exit", 4)], CancellationToken.None);
            await db.SaveChangesAsync();
        }

        await using var check = databases.CreateDbContext();
        var stored = await check.NodeCounts.AsNoTracking().OrderBy(c => c.NodeId).Select(c => new { c.NodeId, c.Count }).ToListAsync();
        Assert.Equal([new { NodeId = "check", Count = 15 }, new { NodeId = "exit", Count = 4 }, new { NodeId = "send", Count = 1 }], stored);
    }

    [Fact]
    public async Task The_migration_moves_step_rows_into_their_runs_logs_and_sums_and_back()
    {
        var databases = store.Databases();
        await using (var db = databases.CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeStepLogs);
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "Runs" ("Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "EnteredAt", "StepCount", "MessagesSent") VALUES ({0}, 'cart', 3, 'c-1', 'Active', 'send', {1}, 4, 0)""",
                RunId.ToString().ToUpperInvariant(), Entered.UtcTicks);
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO "Runs" ("Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "EnteredAt", "StepCount", "MessagesSent") VALUES ({0}, 'cart', 3, 'c-2', 'Active', 'start', {1}, 0, 0)""",
                Guid.CreateVersion7().ToString().ToUpperInvariant(), Entered.UtcTicks);
            foreach (var step in Steps.Reverse())
            {
                await db.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "Steps" ("RunId", "Seq", "FlowId", "Version", "NodeId", "At", "Outcome", "Port", "Detail") VALUES (@run, @seq, @flow, @version, @node, @at, @outcome, @port, @detail)""",
                    new SqliteParameter("@run", step.RunId.ToString().ToUpperInvariant()), new SqliteParameter("@seq", step.Seq), new SqliteParameter("@flow", step.FlowId),
                    new SqliteParameter("@version", step.Version), new SqliteParameter("@node", step.NodeId), new SqliteParameter("@at", step.At.UtcTicks),
                    new SqliteParameter("@outcome", step.Outcome.ToString()), new SqliteParameter("@port", (object?)step.Port ?? DBNull.Value), new SqliteParameter("@detail", (object?)step.Detail ?? DBNull.Value));
            }

            await StorageSetup.MigrateAsync(db);
        }

        await using (var db = databases.CreateDbContext())
        {
            var runs = await db.Runs.AsNoTracking().OrderBy(r => r.CustomerId).ToListAsync();
            Assert.Equal(Steps.Select(Flat), StepLog.Read(runs[0]).Select(Flat));
            Assert.Equal("", runs[1].Log);

            var counts = await db.NodeCounts.AsNoTracking().ToListAsync();
            string[] expected = ["send Suppressed  3 1", "start Entered  2 1", "wait Passed timeout 3 1", "wait Waiting  2 1"];
            Assert.Equal(expected, counts.Select(c => $"{c.NodeId} {c.Outcome} {c.Port} {c.Day.Day} {c.Count}").Order(StringComparer.Ordinal));
            Assert.All(counts, c => Assert.Equal(TimeSpan.Zero, c.Day.TimeOfDay));

            // The engine goes on appending to a migrated log.
            runs[0].Log = StepLog.Append(runs[0].Log, runs[0].EnteredAt, Step(4, "exit", Entered.AddHours(5), StepOutcome.Completed));
            runs[0].StepCount = 5;
            Assert.Equal(5, StepLog.Read(runs[0]).Count);

            await db.GetService<IMigrator>().MigrateAsync(BeforeStepLogs);
        }

        // Down again: the logs become step rows, exactly.
        await using (var db = databases.CreateDbContext())
        {
            var rows = await db.Database.SqlQueryRaw<string>(
                """SELECT "Seq" || '|' || "NodeId" || '|' || "At" || '|' || "Outcome" || '|' || COALESCE("Port", '-') || '|' || COALESCE("Detail", '-') AS "Value" FROM "Steps" ORDER BY "Seq" """).ToListAsync();
            Assert.Equal(Steps.Select(s => $"{s.Seq}|{s.NodeId}|{s.At.UtcTicks}|{s.Outcome}|{s.Port ?? "-"}|{s.Detail ?? "-"}"), rows);
        }
    }

    [Fact]
    public async Task The_compacting_migration_rewrites_named_logs_by_position_and_back()
    {
        var databases = store.Databases();
        var other = Guid.CreateVersion7();

        // As the engine wrote them before: named fields, ISO instants (one written with an offset), port and detail only when present.
        const string Named = """[{"seq":0,"node":"start","at":"2026-03-02T23:59:59.1234567+00:00","outcome":"Entered"},"""
            + """{"seq":1,"node":"wait","at":"2026-03-02T23:59:59.1234567+00:00","outcome":"Waiting","detail":"until 2026-03-03T03:59:59Z"},"""
            + """{"seq":2,"node":"wait","at":"2026-03-03T04:59:59.1234567+01:00","outcome":"Passed","port":"timeout"},"""
            + """{"seq":3,"node":"send","at":"2026-03-03T03:59:59.1234567+00:00","outcome":"Suppressed","detail":"suppressed: quiet-hours \"chat\" — Chloé, 東京\n"}]""";
        await using (var db = databases.CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeCompactLogs);
            foreach (var (id, customer, log) in new[] { (RunId, "c-1", Named), (other, "c-2", "") })
            {
                await db.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "Runs" ("Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "EnteredAt", "StepCount", "MessagesSent", "Log") VALUES ({0}, 'cart', 3, {1}, 'Active', 'send', {2}, 4, 0, {3})""",
                    id.ToString().ToUpperInvariant(), customer, Entered.UtcTicks, log);
            }

            await StorageSetup.MigrateAsync(db);
        }

        await using (var db = databases.CreateDbContext())
        {
            var runs = await db.Runs.AsNoTracking().OrderBy(r => r.CustomerId).ToListAsync();
            Assert.Equal(Steps.Select(Flat), StepLog.Read(runs[0]).Select(Flat));
            Assert.Equal("", runs[1].Log);

            // The engine goes on appending to a compacted log.
            runs[0].Log = StepLog.Append(runs[0].Log, runs[0].EnteredAt, Step(4, "exit", Entered.AddHours(5), StepOutcome.Completed));
            Assert.Equal([.. Steps.Select(Flat), Flat(Step(4, "exit", Entered.AddHours(5), StepOutcome.Completed))], StepLog.Read(runs[0]).Select(Flat));

            await db.GetService<IMigrator>().MigrateAsync(BeforeCompactLogs);
        }

        // Down again: named fields with UTC instants, the same steps.
        await using (var db = databases.CreateDbContext())
        {
            var logs = await db.Database.SqlQueryRaw<string>("""SELECT "Log" AS "Value" FROM "Runs" ORDER BY "CustomerId" """).ToListAsync();
            Assert.Equal("", logs[1]);
            using var named = JsonDocument.Parse(logs[0]);
            var steps = named.RootElement.EnumerateArray().Select(line => new StepRecord
            {
                RunId = RunId,
                Seq = line.GetProperty("seq").GetInt32(),
                FlowId = "cart",
                Version = 3,
                NodeId = line.GetProperty("node").GetString()!,
                At = DateTimeOffset.Parse(line.GetProperty("at").GetString()!, CultureInfo.InvariantCulture),
                Outcome = Enum.Parse<StepOutcome>(line.GetProperty("outcome").GetString()!),
                Port = line.GetProperty("port").GetString(),
                Detail = line.GetProperty("detail").GetString(),
            }).ToList();
            Assert.Equal(Steps.Select(Flat), steps.Select(Flat));
            Assert.All(named.RootElement.EnumerateArray(), line => Assert.EndsWith("+00:00", line.GetProperty("at").GetString(), StringComparison.Ordinal));
        }
    }

    private static string Flat(StepRecord s) => $"{s.RunId} {s.Seq} {s.FlowId} {s.Version} {s.NodeId} {s.At:O} {s.Outcome} {s.Port} [{s.Detail}]";
}
