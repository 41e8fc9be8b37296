using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

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
        await using (var db = store.CreateDbContext())
            await StorageSetup.MigrateAsync(db, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return store;
    }

    public FlowDbContext CreateDbContext() => contexts.CreateDbContext();

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
