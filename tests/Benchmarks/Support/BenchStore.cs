using Microsoft.Data.Sqlite;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// A real engine store (a migrated SQLite file made by <see cref="FlowDbContextFactory.SqliteAsync"/>)
/// in a temporary folder, with the engine's parts over it on a hand-moved clock.
/// </summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly bool ownsFolder;

    private BenchStore(string path, FlowDbContextFactory databases, ManualClock clock, bool ownsFolder)
    {
        Path = path;
        Databases = databases;
        Clock = clock;
        Parts = new EngineParts(databases, clock);
        this.ownsFolder = ownsFolder;
    }

    public string Path { get; }

    public FlowDbContextFactory Databases { get; }

    public ManualClock Clock { get; }

    public EngineParts Parts { get; }

    public FlowEngine Engine => Parts.Engine;

    public string ConnectionString => StorageSetup.SqliteConnectionString(Path);

    /// <summary>A fresh, migrated store in a new temporary folder (deleted on dispose).</summary>
    public static async Task<BenchStore> CreateAsync(DateTimeOffset now, StoreSettings? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("reengage-bench-").FullName;
        var path = System.IO.Path.Combine(folder, "engine.db");
        var store = new BenchStore(path, await FlowDbContextFactory.SqliteAsync(path), new ManualClock(now), ownsFolder: true);
        await using var db = store.Databases.CreateDbContext();
        await EngineState.SaveSettingsAsync(db, settings ?? BenchFlows.Settings);
        return store;
    }

    /// <summary>An existing store file (e.g. a copy of a prepared template); the file is left in place on dispose.</summary>
    public static async Task<BenchStore> OpenAsync(string path, DateTimeOffset now) =>
        new(path, await FlowDbContextFactory.SqliteAsync(path), new ManualClock(now), ownsFolder: false);

    /// <summary>Copies a closed store file (and nothing else: call after <see cref="SqliteConnection.ClearAllPools"/>).</summary>
    public static string CopyFile(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        return to;
    }

    public async Task PublishAsync(IEnumerable<string> flowJsons)
    {
        await using var db = Databases.CreateDbContext();
        var settings = await EngineState.SettingsAsync(db);
        var context = FlowFiles.ContextFor(settings);
        foreach (var json in flowJsons)
        {
            var flow = FlowJson.Deserialize(json);
            var result = await Parts.Catalog.PublishAsync(db, flow, Clock.GetUtcNow(), context, FlowSource.File);
            if (!result.Published)
                throw new InvalidOperationException($"Flow {flow.Id} does not publish: {string.Join("; ", result.Problems)}");
        }
    }

    /// <summary>A plain connection to the store file, for bulk set-up and checks.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        // A background checkpoint still holding the file would keep its log from being folded in on close.
        await StorageSetup.WaitForCheckpointsAsync();
        SqliteConnection.ClearAllPools();
        if (ownsFolder)
            Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
    }
}
