using System.Diagnostics;
using System.Globalization;
using ReEngage.Flows.Benchmarks.Support;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// <c>--harness p1 [runs] [quartzRuns]</c>: P1 once, outside BenchmarkDotNet (for a quick figure and
/// for profiling): the engine's tick over <c>runs</c> due runs, then the Quartz baseline over
/// <c>quartzRuns</c> (0 skips it).
/// </summary>
internal static class DueRunsHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var quartzRuns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
        var separate = args.Contains("--quartz-separate-file");
        var watch = Stopwatch.StartNew();
        using var fixture = await DueRunsFixture.CreateAsync(runs);
        Console.WriteLine($"template with {runs} due runs built in {watch.Elapsed.TotalSeconds:F1} s");

        var path = fixture.Copy();
        await using (var store = await BenchStore.OpenAsync(path, DueRunsFixture.Now))
        {
            watch.Restart();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var moved = await store.Engine.TickAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"engine: {moved} runs advanced in {seconds:F2} s = {moved / seconds:F0} runs/s (process CPU time {cpu.TotalSeconds:F2} s); outbox {store.Scalar("SELECT COUNT(*) FROM \"Messages\"")}, waiting {store.Scalar("SELECT COUNT(*) FROM \"Runs\" WHERE \"Status\" = 'Waiting'")}");
        }

        DueRunsFixture.Delete(path);
        if (quartzRuns == 0)
            return 0;

        path = fixture.Copy();
        await using (var store = await BenchStore.OpenAsync(path, DueRunsFixture.Now))
        {
            watch.Restart();
            await using var quartz = await QuartzBaseline.PrepareAsync(store, quartzRuns, separate ? path + ".quartz" : null);
            Console.WriteLine($"quartz: {quartzRuns} jobs scheduled in {watch.Elapsed.TotalSeconds:F1} s");
            watch.Restart();
            await quartz.RunAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"quartz: {quartz.Advanced} runs advanced in {seconds:F2} s = {quartz.Advanced / seconds:F0} runs/s; outbox {store.Scalar("SELECT COUNT(*) FROM \"Messages\"")}");
        }

        DueRunsFixture.Delete(path);
        DueRunsFixture.Delete(path + ".quartz");
        return 0;
    }
}
