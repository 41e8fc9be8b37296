using Microsoft.Data.Sqlite;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// P1's store: <see cref="RunCount"/> runs of <c>bench-due-runs</c> waiting at their delay, all due at
/// <see cref="Now"/> (wake-ups spread over the hour before). Built once as a template file; each
/// measurement works on a fresh copy of it.
/// </summary>
internal sealed class DueRunsFixture : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly string folder;
    private int copies;

    private DueRunsFixture(string folder, string template, int runCount)
    {
        this.folder = folder;
        Template = template;
        RunCount = runCount;
    }

    public string Template { get; }

    public int RunCount { get; }

    public static DateTimeOffset WakeAt(int i, int count) => Now - TimeSpan.FromHours(1) + TimeSpan.FromHours(1) * i / count;

    public static async Task<DueRunsFixture> CreateAsync(int runCount)
    {
        await using var store = await BenchStore.CreateAsync(Now - TimeSpan.FromHours(6));
        await store.PublishAsync([BenchFlows.Own("due-runs.flow.json")]);
        using (var connection = store.OpenRaw())
            WaitingRuns.Insert(connection, runCount, i => WakeAt(i, runCount));
        SqliteConnection.ClearAllPools();

        var folder = Directory.CreateTempSubdirectory("reengage-bench-p1-").FullName;
        var template = Path.Combine(folder, "template.db");
        Checkpoint(store.Path);
        File.Copy(store.Path, template);
        return new DueRunsFixture(folder, template, runCount);
    }

    /// <summary>A fresh copy of the template to run on.</summary>
    public string Copy() => BenchStore.CopyFile(Template, Path.Combine(folder, $"run-{++copies}.db"));

    public static void Delete(string path)
    {
        // A background checkpoint may still hold the file open: deleted under it, its inode can come
        // back as the next copy's, which SQLite's per-inode lock table in this process would then
        // share with the dead file (a suspect for the harness's rare idle hangs, see docs/performance.md).
        StorageSetup.WaitForCheckpointsAsync().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(path + suffix);
    }

    /// <summary>Folds the WAL into the main file so that a plain file copy carries everything.</summary>
    public static void Checkpoint(string path)
    {
        using (var connection = new SqliteConnection(Engine.Storage.StorageSetup.SqliteConnectionString(path)))
        {
            connection.Open();
            Bulk.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
