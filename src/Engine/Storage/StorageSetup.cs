using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// The one seam between the engine and its database provider: how a context is configured, and
/// how the schema is brought up to date on start.
/// </summary>
public static class StorageSetup
{
    public static void Configure(DbContextOptionsBuilder builder, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                builder.UseSqlite(SqliteConnectionString(options.SqlitePath), Sqlite)
                    .AddInterceptors(SqlitePragmas.Instance, SqliteCheckpointer.Instance);
                break;
            default:
                throw new NotSupportedException($"Storage provider {options.Provider} is not available yet; use Sqlite.");
        }
    }

    /// <summary>
    /// Provider settings for every SQLite context. A list in a query (<c>ids.Contains(x.Id)</c>) goes
    /// as one JSON parameter, so a query's SQL is the same whatever the list's length: as a parameter
    /// per item, EF built and cached new SQL for every length a batch happened to have, and a batch
    /// preloads lists of every length.
    /// </summary>
    public static void Sqlite(Microsoft.EntityFrameworkCore.Infrastructure.SqliteDbContextOptionsBuilder sqlite)
    {
        ArgumentNullException.ThrowIfNull(sqlite);
        sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
    }

    public static string SqliteConnectionString(string path) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Seconds a command waits on a locked database before failing.
            DefaultTimeout = 30,
        }.ToString();

    /// <summary>Creates the database when missing and applies pending migrations; WAL mode on SQLite.</summary>
    public static async Task MigrateAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsSqlite())
        {
            var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (!string.IsNullOrEmpty(path) && path != ":memory:")
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(path));
                if (folder is not null)
                    Directory.CreateDirectory(folder);
                await CreateWithPageSizeAsync(path, cancellationToken);
            }
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    /// <summary>
    /// SQLite's page size for new stores. An ingest batch's writes are CPU-bound, not bound by the
    /// bytes: each dirty page is a WAL frame of its own (two writes, a checksum, an index entry),
    /// and SQLite's per-page work grows with the count of pages. With 8 KiB pages the P2 benchmark's
    /// engine passes took 4 % less time than with SQLite's default 4 KiB (16 KiB: 6 %), measured
    /// alternating on copies of one store. A page size is fixed when the file is created (changing
    /// it needs a VACUUM outside WAL mode), so stores made before keep theirs.
    /// </summary>
    public const int PageBytes = 8192;

    private static async Task CreateWithPageSizeAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0)
            return;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Switching to WAL writes the file's first page, which fixes the page size set before it.
        command.CommandText = $"PRAGMA page_size={PageBytes}; PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Waits for the background WAL checkpoints started so far (see <see cref="SqliteCheckpointer"/>):
    /// before copying a closed store file, so that no checkpoint connection still holds its log.
    /// </summary>
    public static Task WaitForCheckpointsAsync() => SqliteCheckpointer.DrainAsync();

    /// <summary>
    /// Per-connection SQLite settings: WAL makes NORMAL sync durable enough and much faster; SQLite's
    /// own checkpoint only as a backstop, the regular ones run in the background. Temporary storage
    /// in memory: with 8 KiB pages (see <see cref="PageBytes"/>) the statement journals of an EF Core
    /// SaveChanges of a few hundred rows outgrew SQLite's 64 KiB in-memory limit and went to files in
    /// /var/tmp — 430 MB written to insert 10 000 events.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        // SQLite's default page cache is 2 MB a connection. An ingest batch's working set (the runs,
        // profiles and events indexes it reads and changes) outgrows that as soon as a store holds a
        // few thousand runs, and every page evicted was read again through a system call: the P2
        // benchmark read 190 MB a pass for a 16 MB store, under 1 MB with this cache.
        private const int CacheKibibytes = 16 * 1024;

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA temp_store=MEMORY; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-{CacheKibibytes}; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint={SqliteCheckpointer.BackstopPages};";
            command.ExecuteNonQuery();
        }
    }
}
