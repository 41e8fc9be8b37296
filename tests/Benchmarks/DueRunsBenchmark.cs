using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ReEngage.Flows.Benchmarks.Support;

namespace ReEngage.Flows.Benchmarks;

/// <summary>
/// Issue #3, P1: 100 000 runs waiting at a delay whose time has passed are advanced by
/// <c>FlowEngine.TickAsync</c> through a condition node into the outbox (an email send), on SQLite.
/// Baseline: one Quartz trigger per run (Quartz 4.7.3, persistent ADO job store on SQLite, a job per
/// run that advances that one run), over 2 000 runs of a copy of the same store, with Quartz's
/// tables in the store file itself and, to compare, in a file of their own. Every iteration starts
/// from a fresh copy of the prepared store. Times are per run (OperationsPerInvoke): runs/s = 1 / Mean;
/// the target is engine ≥ 20× the baseline's runs/s and ≥ 5 000 runs/s.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1, id: "p1")]
public class DueRunsBenchmark
{
    public const int EngineRuns = 100_000;
    public const int QuartzRuns = 2_000;

    private DueRunsFixture? fixture;
    private string path = "";
    private BenchStore? store;
    private QuartzBaseline? quartz;

    [GlobalSetup]
    public void Setup() => fixture = DueRunsFixture.CreateAsync(EngineRuns).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => fixture?.Dispose();

    [IterationSetup(Target = nameof(Engine))]
    public void SetupEngine() => store = Open();

    [IterationSetup(Target = nameof(QuartzSameStore))]
    public void SetupQuartzSameStore()
    {
        store = Open();
        quartz = QuartzBaseline.PrepareAsync(store, QuartzRuns).GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(QuartzOwnFile))]
    public void SetupQuartzOwnFile()
    {
        store = Open();
        quartz = QuartzBaseline.PrepareAsync(store, QuartzRuns, path + ".quartz").GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void CleanupIteration()
    {
        var expected = quartz is null ? EngineRuns : QuartzRuns;
        quartz?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        quartz = null;
        var messages = store!.Scalar("SELECT COUNT(*) FROM \"Messages\"");
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        DueRunsFixture.Delete(path);
        DueRunsFixture.Delete(path + ".quartz");
        if (messages != expected)
            throw new InvalidOperationException($"{messages} messages in the outbox, {expected} expected.");
    }

    [Benchmark(Description = "engine: TickAsync over 100 000 due runs", OperationsPerInvoke = EngineRuns)]
    public async Task<int> Engine()
    {
        var moved = await store!.Engine.TickAsync();
        return moved == EngineRuns ? moved : throw new InvalidOperationException($"{moved} runs moved, {EngineRuns} expected.");
    }

    [Benchmark(Baseline = true, Description = "Quartz: a trigger per run, 2 000 runs, job store in the same SQLite file", OperationsPerInvoke = QuartzRuns)]
    public Task QuartzSameStore() => quartz!.RunAsync();

    [Benchmark(Description = "Quartz: a trigger per run, 2 000 runs, job store in its own SQLite file", OperationsPerInvoke = QuartzRuns)]
    public Task QuartzOwnFile() => quartz!.RunAsync();

    private BenchStore Open()
    {
        path = fixture!.Copy();
        return BenchStore.OpenAsync(path, DueRunsFixture.Now).GetAwaiter().GetResult();
    }
}
