using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// P1's baseline, the design DESIGN.md §4 rules out: one Quartz trigger per waiting run. Quartz
/// 4.7.3 with its persistent ADO job store on SQLite, its tables in the same store file as the
/// engine's; one job and one trigger per run; the job advances exactly that run with the engine's
/// own stepper (it makes that one run due and ticks the engine once, serialised so that every tick
/// moves exactly one run). Quartz runs with its defaults otherwise (10 worker threads, batch
/// acquisition up to the pool size).
/// </summary>
internal sealed class QuartzBaseline : IAsyncDisposable
{
    /// <summary>Where the runs that Quartz holds wait in the engine's table: never due on their own.</summary>
    private static readonly long Never = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private readonly ServiceProvider services;
    private readonly BaselineState state;

    private QuartzBaseline(ServiceProvider services, IScheduler scheduler, BaselineState state)
    {
        this.services = services;
        Scheduler = scheduler;
        this.state = state;
    }

    public IScheduler Scheduler { get; }

    public int Advanced => state.Advanced;

    /// <summary>
    /// Over a copy of P1's store: every run is parked (the trigger holds its time now), and the first
    /// <paramref name="runs"/> runs get a job and a trigger due now. The scheduler is left in standby.
    /// </summary>
    /// <param name="store">The engine's store; Quartz's tables go into the same file.</param>
    /// <param name="runs">How many runs get a job and a trigger.</param>
    /// <param name="quartzFile">Only to compare: a separate SQLite file for Quartz's tables instead.</param>
    public static async Task<QuartzBaseline> PrepareAsync(BenchStore store, int runs, string? quartzFile = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var scheduled = new List<(string RunId, long WakeAt)>(runs);
        using (var connection = store.OpenRaw())
        {
            using (var read = connection.CreateCommand())
            {
                read.CommandText = $"SELECT \"Id\", \"WakeAt\" FROM \"Runs\" WHERE \"Status\" = 'Waiting' ORDER BY \"WakeAt\", \"Id\" LIMIT {runs.ToString(CultureInfo.InvariantCulture)}";
                using var reader = read.ExecuteReader();
                while (reader.Read())
                    scheduled.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            Bulk.Execute(connection, $"UPDATE \"Runs\" SET \"WakeAt\" = {Never.ToString(CultureInfo.InvariantCulture)} WHERE \"Status\" = 'Waiting'");
        }

        var state = new BaselineState(store.Engine, store.ConnectionString, runs);
        var services = new ServiceCollection();
        services.AddSingleton(state);
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(s =>
            {
                s.UseSqlite(quartzFile is null ? store.ConnectionString : Engine.Storage.StorageSetup.SqliteConnectionString(quartzFile));
                s.ProvisionSchema();
                s.UseSystemTextJsonSerializer();
                // Scheduling 2 000 jobs takes a while; none of them should count as misfired when the scheduler starts.
                s.ConfigureStore(o => o.MisfireThreshold = TimeSpan.FromHours(1));
            });
        });
        var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();

        var due = DateTimeOffset.UtcNow;
        var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        foreach (var (runId, wakeAt) in scheduled)
        {
            var job = JobBuilder.Create<AdvanceRunJob>()
                .WithIdentity(runId, "runs")
                .UsingJobData(AdvanceRunJob.RunIdKey, runId)
                .UsingJobData(AdvanceRunJob.WakeAtKey, wakeAt.ToString(CultureInfo.InvariantCulture))
                .Build();
            var trigger = TriggerBuilder.Create().WithIdentity(runId, "runs").ForJob(job).StartAt(due).Build();
            jobs[job] = [trigger];
        }

        await scheduler.ScheduleJobs(jobs);
        return new QuartzBaseline(provider, scheduler, state);
    }

    /// <summary>Starts the scheduler and waits until every scheduled run has been advanced.</summary>
    public async Task RunAsync()
    {
        await Scheduler.Start();
        await state.AllDone.Task.WaitAsync(TimeSpan.FromMinutes(30));
    }

    public async ValueTask DisposeAsync()
    {
        await Scheduler.Shutdown(waitForJobsToComplete: true);
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>What the jobs share: the engine, and the count of runs advanced.</summary>
    internal sealed class BaselineState(FlowEngine engine, string connectionString, int expected)
    {
        private int advanced;

        public FlowEngine Engine { get; } = engine;

        public string ConnectionString { get; } = connectionString;

        public SemaphoreSlim OneAtATime { get; } = new(1, 1);

        public TaskCompletionSource AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Advanced => Volatile.Read(ref advanced);

        public void Count(int moved)
        {
            if (Interlocked.Add(ref advanced, moved) >= expected)
                AllDone.TrySetResult();
        }

        public void Fail(Exception ex) => AllDone.TrySetException(ex);
    }
}

/// <summary>The baseline's job: advances one run (its id in the job data) when its trigger fires.</summary>
internal sealed class AdvanceRunJob(QuartzBaseline.BaselineState state) : IJob
{
    public const string RunIdKey = "runId";
    public const string WakeAtKey = "wakeAt";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var runId = context.MergedJobDataMap.GetString(RunIdKey)!;
        var wakeAt = context.MergedJobDataMap.GetString(WakeAtKey)!;
        try
        {
            await state.OneAtATime.WaitAsync(cancellationToken);
            try
            {
                await using (var connection = new SqliteConnection(state.ConnectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "UPDATE \"Runs\" SET \"WakeAt\" = $wake WHERE \"Id\" = $id";
                    command.Parameters.AddWithValue("$wake", long.Parse(wakeAt, CultureInfo.InvariantCulture));
                    command.Parameters.AddWithValue("$id", runId);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                var moved = await state.Engine.TickAsync(cancellationToken: cancellationToken);
                if (moved != 1)
                    throw new InvalidOperationException($"The tick for run {runId} moved {moved} runs.");
                state.Count(moved);
            }
            finally
            {
                state.OneAtATime.Release();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            state.Fail(ex);
            throw;
        }
    }
}
