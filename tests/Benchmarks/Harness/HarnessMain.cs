namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// The load-harness modes of the benchmark executable (<c>--harness MODE …</c>): measures of a whole
/// process or of one long run that BenchmarkDotNet does not fit, and single runs of the benchmark
/// workloads for profiling (see docs/performance.md).
/// </summary>
internal static class HarnessMain
{
    private const string Usage = """
        --harness p1 [runs] [quartzRuns] [--quartz-separate-file]   P1 once: engine tick over due runs, then the Quartz baseline
        --harness p2 [events] [warm-ups] [timed]                     P2: rounds of the EF Core insert and the engine ingest, medians
        --harness p2-pair [pairs] [warm-ups] "SQL"                   P2's engine pass on store copies with and without the SQL, paired in one process
        --harness p5 [--data FILE] [--jsonl OUT] [--until ISO]      P5: simulate over the UCI online-retail year (wall time)
        --harness p7-build DIR [runs]                               P7: a store DIR/reengage.db with 1 000 000 waiting runs
        --harness p7-host DIR HOST_DLL [seconds]                    P7: resident memory of the real host over that store
        --harness p7-engine DIR [seconds]                           P7: resident memory of a process that only runs the engine over it
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 1 ? args[1..] : [];
        switch (mode)
        {
            case "p1":
                return await DueRunsHarness.RunAsync(rest);
            case "p2":
                return await IngestHarness.RunAsync(rest);
            case "p2-pair":
                return await PairHarness.RunAsync(rest);
            case "p5":
                return await SimulateHarness.RunAsync(rest);
            case "p7-build":
                return await MemoryHarness.BuildAsync(rest);
            case "p7-host":
                return await MemoryHarness.HostAsync(rest);
            case "p7-engine":
                return await MemoryHarness.EngineAsync(rest);
            case "p7-engine-child":
                return await MemoryHarness.EngineChildAsync(rest);
            default:
                await Console.Error.WriteLineAsync($"unknown harness mode '{mode}'; modes:\n{Usage}");
                return 2;
        }
    }
}
