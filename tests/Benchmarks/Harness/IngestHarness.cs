using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using System.Globalization;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// <c>--harness p2 [events] [warm-up rounds = 20] [timed rounds = 3]</c>: P2 outside BenchmarkDotNet
/// (for a quick figure and for profiling). A round is the EF Core insert of the benchmark traffic's
/// event rows, then the engine's ingest of the same traffic in batches of 500, each on a fresh copy
/// of the store. The first rounds only warm up: on two cores the tiered JIT keeps recompiling the
/// engine's code for its first twenty passes or so (see <see cref="IngestBenchmark"/>), and a
/// running host pays that once. The
/// ratio is taken between the medians of the timed rounds, with the slowest engine pass against the
/// fastest insert beside it, so that neither side is flattered by a quiet moment of the machine.
/// </summary>
internal static class IngestHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var warmUps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var timed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        using var fixture = await IngestFixture.CreateAsync(events);

        var inserts = new List<double>();
        var engines = new List<double>();
        string? written = null;
        for (var round = 1; round <= warmUps + timed; round++)
        {
            var label = round <= warmUps ? $"warm-up {round}" : $"timed {round - warmUps}";
            var insert = await InsertAsync(fixture, events, label);
            var (engine, kept) = await IngestAsync(fixture, events, label, keep: round == warmUps + timed);
            written = kept ?? written;
            if (round > warmUps)
            {
                inserts.Add(insert);
                engines.Add(engine);
            }
        }

        Console.WriteLine($"median of {timed} timed rounds: engine {Median(engines):F0} events/s, EF Core insert {Median(inserts):F0} events/s");
        Console.WriteLine($"engine / EF Core insert (medians): {Median(engines) / Median(inserts):F3}× (target ≥ 0.5×); slowest engine pass / fastest insert: {engines.Min() / inserts.Max():F3}×");

        // Not the target's baseline: how the engine's whole ingest compares with only writing what it wrote.
        var allRows = await InsertAllRowsAsync(fixture, written!, events);
        Console.WriteLine($"engine (median) / EF Core insert of every row the engine wrote: {Median(engines) / allRows:F3}×");
        DueRunsFixture.Delete(written!);
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// Every row the engine's ingest left in its store (events, customers with their entries, orders, runs
    /// with their step logs, node counts, outbox, coupons), inserted into a fresh copy of the template by EF Core AddRange +
    /// SaveChanges in as many batches as the traffic had, each a twentieth of every table.
    /// </summary>
    private static async Task<double> InsertAllRowsAsync(IngestFixture fixture, string written, int events)
    {
        var rows = new List<List<object>>();
        await using (var source = await BenchStore.OpenAsync(written, IngestFixture.Now(events)))
        await using (var db = source.Databases.CreateDbContext())
        {
            rows.Add([.. await db.Customers.AsNoTracking().ToListAsync()]);
            rows.Add([.. (await db.Events.AsNoTracking().ToListAsync()).Select(e => { e.Seq = 0; return e; })]);
            rows.Add([.. await db.CustomerOrders.AsNoTracking().ToListAsync()]);
            rows.Add([.. await db.Runs.AsNoTracking().ToListAsync()]);
            rows.Add([.. await db.NodeCounts.AsNoTracking().ToListAsync()]);
            rows.Add([.. (await db.Messages.AsNoTracking().ToListAsync()).Select(m => { m.Id = 0; return m; })]);
            rows.Add([.. (await db.CouponIssues.AsNoTracking().ToListAsync()).Select(c => { c.Id = 0; return c; })]);
        }

        // Twice, each on a fresh copy, and the faster counts: the first pass also pays EF's first
        // inserts of these entity types.
        var best = double.MaxValue;
        for (var pass = 1; pass <= 2; pass++)
        {
            var batches = fixture.Batches.Count;
            var path = fixture.Copy();
            double seconds;
            await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(events)))
            {
                var watch = Stopwatch.StartNew();
                for (var b = 0; b < batches; b++)
                {
                    await using var db = store.Databases.CreateDbContext();
                    foreach (var table in rows)
                        db.AddRange(table.Skip(table.Count * b / batches).Take((table.Count * (b + 1) / batches) - (table.Count * b / batches)));
                    await db.SaveChangesAsync();
                }

                seconds = watch.Elapsed.TotalSeconds;
            }

            DueRunsFixture.Delete(path);
            Console.WriteLine($"EF Core insert of every row the engine wrote ({rows.Sum(t => t.Count)} rows in {batches} batches), pass {pass}: {seconds:F2} s = {events / seconds:F0} events/s");
            best = Math.Min(best, seconds);
        }

        return events / best;
    }

    private static async Task<(double Rate, string? Kept)> IngestAsync(IngestFixture fixture, int events, string label, bool keep = false)
    {
        var path = fixture.Copy();
        double rate;
        await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(events)))
        {
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var io = ProcessIo.Now();
            var outcomes = new List<IngestOutcome>();
            foreach (var batch in fixture.Batches)
                outcomes.AddRange(await store.Engine.IngestAsync(batch));
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            io = ProcessIo.Now() - io;
            rate = events / seconds;
            Console.WriteLine($"{label}, engine: {outcomes.Count(o => o.Status == IngestStatus.Accepted)} events in {seconds:F2} s = {rate:F0} events/s (process CPU time {cpu.TotalSeconds:F2} s); runs {store.Scalar("SELECT COUNT(*) FROM \"Runs\"")}, outbox {store.Scalar("SELECT COUNT(*) FROM \"Messages\"")}, steps {store.Scalar("SELECT SUM(\"StepCount\") FROM \"Runs\"")}; {io}");
            fixture.KeepLogSize(path);
        }

        if (keep)
            return (rate, path);
        DueRunsFixture.Delete(path);
        return (rate, null);
    }

    private static async Task<double> InsertAsync(IngestFixture fixture, int events, string label)
    {
        var path = fixture.Copy();
        double rate;
        await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(events)))
        {
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var io = ProcessIo.Now();
            foreach (var batch in fixture.Batches)
            {
                await using var db = store.Databases.CreateDbContext();
                var now = store.Clock.GetUtcNow();
                db.Events.AddRange(batch.Select(e => IngestFixture.Row(e, now)));
                await db.SaveChangesAsync();
            }

            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            io = ProcessIo.Now() - io;
            rate = events / seconds;
            Console.WriteLine($"{label}, EF Core insert: {events} events in {seconds:F2} s = {rate:F0} events/s (process CPU time {cpu.TotalSeconds:F2} s); {io}");
            fixture.KeepLogSize(path);
        }

        DueRunsFixture.Delete(path);
        return rate;
    }
}
