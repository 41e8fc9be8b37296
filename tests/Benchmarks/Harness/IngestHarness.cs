using System.Diagnostics;
using System.Globalization;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// <c>--harness p2 [events]</c>: P2 once, outside BenchmarkDotNet (for a quick figure and for
/// profiling): the EF Core insert of the benchmark traffic's event rows, the engine's ingest of the
/// same traffic in batches of 500, then the EF Core insert again, each on a fresh copy of the store.
/// The ratio is taken against the faster of the two inserts, so that neither what the engine leaves
/// behind in the process nor a quiet moment for the baseline can flatter the engine. The engine gets
/// one untimed pass first (on its own copy), as the second insert has had the first: otherwise its
/// figure is mostly JIT and EF's first-query work, which a running host pays once.
/// </summary>
internal static class IngestHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        using var fixture = await IngestFixture.CreateAsync(events);

        var before = await InsertAsync(fixture, events);
        await IngestAsync(fixture, events, label: "engine, warm-up pass");
        var engine = await IngestAsync(fixture, events, label: "engine");
        var after = await InsertAsync(fixture, events);
        var baseline = Math.Max(before, after);
        Console.WriteLine($"engine / EF Core insert (the faster of the two): {engine / baseline:F3}× (target ≥ 0.5×)");
        return 0;
    }

    private static async Task<double> IngestAsync(IngestFixture fixture, int events, string label)
    {
        var path = fixture.Copy();
        double rate;
        await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(events)))
        {
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var outcomes = new List<IngestOutcome>();
            foreach (var batch in fixture.Batches)
                outcomes.AddRange(await store.Engine.IngestAsync(batch));
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            rate = events / seconds;
            Console.WriteLine($"{label}: {outcomes.Count(o => o.Status == IngestStatus.Accepted)} events in {seconds:F2} s = {rate:F0} events/s (process CPU time {cpu.TotalSeconds:F2} s); runs {store.Scalar("SELECT COUNT(*) FROM \"Runs\"")}, outbox {store.Scalar("SELECT COUNT(*) FROM \"Messages\"")}, steps {store.Scalar("SELECT COUNT(*) FROM \"Steps\"")}");
        }

        DueRunsFixture.Delete(path);
        return rate;
    }

    private static async Task<double> InsertAsync(IngestFixture fixture, int events)
    {
        var path = fixture.Copy();
        double rate;
        await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(events)))
        {
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var batch in fixture.Batches)
            {
                await using var db = store.Databases.CreateDbContext();
                var now = store.Clock.GetUtcNow();
                db.Events.AddRange(batch.Select(e => IngestFixture.Row(e, now)));
                await db.SaveChangesAsync();
            }

            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            rate = events / seconds;
            Console.WriteLine($"EF Core insert: {events} events in {seconds:F2} s = {rate:F0} events/s (process CPU time {cpu.TotalSeconds:F2} s)");
        }

        DueRunsFixture.Delete(path);
        return rate;
    }
}
