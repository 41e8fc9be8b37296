using System.Diagnostics;
using System.Globalization;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// <c>--harness p2 [events]</c>: P2 once, outside BenchmarkDotNet (for a quick figure and for
/// profiling): the engine's ingest of the benchmark traffic in batches of 500, then the EF Core insert
/// of the same rows, each on a fresh copy of the store.
/// </summary>
internal static class IngestHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        using var fixture = await IngestFixture.CreateAsync(events);

        var path = fixture.Copy();
        await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(events)))
        {
            var watch = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var outcomes = new List<IngestOutcome>();
            foreach (var batch in fixture.Batches)
                outcomes.AddRange(await store.Engine.IngestAsync(batch));
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"engine: {outcomes.Count(o => o.Status == IngestStatus.Accepted)} events in {seconds:F2} s = {events / seconds:F0} events/s (process CPU time {cpu.TotalSeconds:F2} s); runs {store.Scalar("SELECT COUNT(*) FROM \"Runs\"")}, outbox {store.Scalar("SELECT COUNT(*) FROM \"Messages\"")}, steps {store.Scalar("SELECT COUNT(*) FROM \"Steps\"")}");
        }

        DueRunsFixture.Delete(path);
        path = fixture.Copy();
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
            Console.WriteLine($"EF Core insert: {events} events in {seconds:F2} s = {events / seconds:F0} events/s (process CPU time {cpu.TotalSeconds:F2} s)");
        }

        DueRunsFixture.Delete(path);
        return 0;
    }
}
