using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// A throw-away SQLite store used by one thread only (a simulation's): every context shares one
/// connection that stays open, so the tens of thousands of small batches of a replay neither take a
/// connection from the pool nor re-apply its settings each time. Nothing survives the process, so
/// commits skip the disk flush; a batch's transaction still commits or rolls back as a whole.
/// </summary>
public sealed class ExclusiveSqliteStore : IDbContextFactory<FlowDbContext>, IAsyncDisposable
{
    private readonly SqliteConnection connection;
    private readonly PooledDbContextFactory<SqliteFlowDbContext> contexts;
    private SqliteCommand? nextTimers;

    private ExclusiveSqliteStore(SqliteConnection connection)
    {
        this.connection = connection;
        var builder = new DbContextOptionsBuilder<SqliteFlowDbContext>();
        builder.UseSqlite(connection);

        // Reused contexts: building a context's internal services anew for every small batch was a
        // tenth of a replay's time.
        contexts = new PooledDbContextFactory<SqliteFlowDbContext>(builder.Options);
    }

    /// <summary>Creates the database file at <paramref name="path"/>, migrated and ready.</summary>
    public static async Task<ExclusiveSqliteStore> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(StorageSetup.SqliteConnectionString(path)) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        var store = new ExclusiveSqliteStore(connection);
        BulkWriter.KeepPrepared(connection);
        await using (var db = store.CreateDbContext())
            await StorageSetup.MigrateAsync(db, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536; " + string.Concat(ReportOnlyIndexes.Select(i => $"DROP INDEX IF EXISTS \"{i}\"; "));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return store;
    }

    // Indexes that serve only the designer's reports and the host's per-flow controls (messages by
    // flow): a replay never looks rows up by them, and each cost every one of its message writes
    // index work (~2.5 µs a row); the summary at the end reads the node counts and the tallies.
    private static readonly string[] ReportOnlyIndexes = ["IX_Messages_FlowId_CreatedAt"];

    public FlowDbContext CreateDbContext() => contexts.CreateDbContext();

    /// <summary>The store's known customers, kept in memory for the replay's schedule fires.</summary>
    internal CustomerMirror Customers { get; } = new();

    /// <summary>
    /// The earliest wake-up of any waiting run and the earliest due time of any pending message, in
    /// one prepared statement on the open connection. A replay asks this after every one of its tens
    /// of thousands of steps; through a context and two EF queries it cost a tenth of the replay.
    /// Call it between batches (no transaction open). It does not leave out paused flows: callers
    /// use it only when none is paused.
    /// </summary>
    public async Task<(DateTimeOffset? Wake, DateTimeOffset? Message)> NextTimersAsync(CancellationToken cancellationToken = default)
    {
        nextTimers ??= PrepareNextTimers();
        await using var reader = await nextTimers.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Instant(reader, 0), Instant(reader, 1));
    }

    private SqliteCommand PrepareNextTimers()
    {
        // Table, column and stored value forms from the EF model, so this reads what EF wrote.
        using var db = CreateDbContext();
        var runs = db.Model.FindEntityType(typeof(RunRecord))!;
        var messages = db.Model.FindEntityType(typeof(MessageRecord))!;
        var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT (SELECT MIN({Column(runs, nameof(RunRecord.WakeAt))}) FROM {Table(runs)} WHERE {Column(runs, nameof(RunRecord.Status))} = $waiting AND {Column(runs, nameof(RunRecord.WakeAt))} IS NOT NULL), " +
            $"(SELECT MIN({Column(messages, nameof(MessageRecord.DueAt))}) FROM {Table(messages)} WHERE {Column(messages, nameof(MessageRecord.Status))} = $pending)";
        command.Parameters.AddWithValue("$waiting", BulkWriter.Stored(runs, nameof(RunRecord.Status), RunStatus.Waiting));
        command.Parameters.AddWithValue("$pending", BulkWriter.Stored(messages, nameof(MessageRecord.Status), MessageStatus.Pending));
        command.Prepare();
        return command;
    }

    private static string Table(IEntityType type) => $"\"{type.GetTableName()}\"";

    private static string Column(IEntityType type, string property) =>
        $"\"{type.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema()))}\"";

    // Instants are stored as UTC ticks (see SqliteFlowDbContext).
    private static DateTimeOffset? Instant(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        if (nextTimers is not null)
            await nextTimers.DisposeAsync();
        BulkWriter.Release(connection);
        await connection.DisposeAsync();
    }
}
