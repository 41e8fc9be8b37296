using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// Moves SQLite's WAL checkpoints off the commit path. By default SQLite checkpoints inside the
/// commit that grows the log past 1 000 pages, so one ingest or tick batch in a few stalls for the
/// copy into the database file (47 ms a commit on average in the P2 benchmark, a sixth of its time).
/// Here a commit only nudges a background task, which runs a passive checkpoint on a connection of
/// its own — readers and the writer carry on meanwhile — at most once per <see cref="Interval"/>.
/// SQLite's own automatic checkpoint stays on at <see cref="BackstopPages"/> pages, so the log
/// stays bounded even if the background falls behind a writer that never pauses.
/// </summary>
internal sealed class SqliteCheckpointer : DbTransactionInterceptor
{
    /// <summary>SQLite's automatic checkpoint threshold (pages), set per connection: the backstop.</summary>
    public const int BackstopPages = 16_000;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static readonly SqliteCheckpointer Instance = new();

    private readonly ConcurrentDictionary<string, Database> databases = new(StringComparer.Ordinal);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Nudge(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Nudge(eventData.Context?.Database.GetDbConnection());
        return Task.CompletedTask;
    }

    private void Nudge(DbConnection? connection)
    {
        if (connection is not SqliteConnection sqlite || string.IsNullOrEmpty(sqlite.DataSource) || sqlite.DataSource == ":memory:")
            return;
        var database = databases.GetOrAdd(sqlite.DataSource, path => new Database(path));
        database.Nudge();
    }

    /// <summary>Runs every pending background checkpoint to its end (tests, and before copying a store file).</summary>
    public static Task DrainAsync() => Task.WhenAll(Instance.databases.Values.Select(d => d.Running));

    private sealed class Database(string path)
    {
        private readonly string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString();
        private readonly Lock gate = new();
        private long lastStarted = long.MinValue;
        private bool running;

        public Task Running { get; private set; } = Task.CompletedTask;

        public void Nudge()
        {
            lock (gate)
            {
                if (running || (lastStarted != long.MinValue && Stopwatch.GetElapsedTime(lastStarted) < Interval))
                    return;
                running = true;
                lastStarted = Stopwatch.GetTimestamp();
                Running = Task.Run(CheckpointAsync);
            }
        }

        private async Task CheckpointAsync()
        {
            try
            {
                if (!File.Exists(path + "-wal"))
                    return;
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                await command.ExecuteNonQueryAsync();
            }
            catch (SqliteException)
            {
                // A checkpoint that could not run (the file went away, or it is locked for longer than
                // the timeout) loses nothing: the log stays, and the next nudge or SQLite's backstop
                // checkpoint takes it.
            }
            finally
            {
                lock (gate)
                    running = false;
            }
        }
    }
}
