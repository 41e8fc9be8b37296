using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using SQLitePCL;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// Writes everything a batch changed (new rows, changed columns, removed rows) with prepared
/// statements, one per table and shape, reused for every row — EF Core's SaveChanges spent most of
/// a tick and of an ingest batch building, sorting and preparing per-row statements. Column names
/// and stored forms come from the EF model itself (value converters included), so both paths write
/// the same rows. The statements are SQLite's own (SQLitePCLRaw, on the connection's handle, inside
/// its open transaction), bound by position: through Microsoft.Data.Sqlite's commands a row cost
/// 17–19 µs, of which 7 went to looking each parameter up by name and wrapping every execution in a
/// reader. SQLite only: other providers keep EF's path until they get their own writer.
/// </summary>
internal static partial class BulkWriter
{
    // A connection that lives as long as its store (a simulation's, see KeepPrepared) keeps its
    // statements prepared across its tens of thousands of small batches; any other connection's
    // statements last one call, so none outlives the pooled handle it was prepared on.
    private static readonly ConditionalWeakTable<DbConnection, Statements> Kept = new();

    /// <summary>Keeps this connection's statements prepared until <see cref="Release"/>; for a connection that stays open.</summary>
    public static void KeepPrepared(SqliteConnection connection) => Kept.AddOrUpdate(connection, new Statements(connection));

    /// <summary>Finalizes the statements kept for this connection; call before closing it.</summary>
    public static void Release(SqliteConnection connection)
    {
        if (Kept.TryGetValue(connection, out var statements))
        {
            statements.Dispose();
            Kept.Remove(connection);
        }
    }

    /// <summary>Whether this context's changes can go through the writer (its provider is SQLite).</summary>
    public static bool Supports(DbContext db)
    {
        // The connection's type, not Database.IsSqlite(): that compares provider names read by
        // reflection on every call, which showed up in batches of one row.
        return db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection;
    }

    /// <summary>Like <see cref="DbContext.SaveChangesAsync(CancellationToken)"/>, through the prepared statements where the provider has them.</summary>
    public static async Task SaveChangesAsync(DbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        await SaveDetectedAsync(db, cancellationToken);
    }

    /// <summary>Writes the changes already detected (with change detection off, the caller detects them where it knows they are).</summary>
    public static async Task SaveDetectedAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!await SaveAsync(db, cancellationToken))
            await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the tracked changes inside the current transaction and accepts them; false (nothing
    /// written) when the provider has no bulk path. Changes must have been detected already.
    /// </summary>
    public static async Task<bool> SaveAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!Supports(db))
            return false;

        var pending = db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        if (pending.Count == 0)
            return true;

        using (var lease = await LeaseAsync(db, cancellationToken))
        {
            var statements = lease.Statements;

            // Removals first, as EF orders them: a removed row and a new one may share a unique key.
            foreach (var entry in pending.Where(e => e.State == EntityState.Deleted))
                Execute(Delete(entry, statements), entry.Entity, expectOneRow: true);
            foreach (var entry in pending.Where(e => e.State == EntityState.Added))
                Execute(Insert(entry.Metadata, statements), entry.Entity, expectOneRow: false);
            foreach (var entry in pending.Where(e => e.State == EntityState.Modified))
            {
                if (Update(entry, statements) is { } statement)
                    Execute(statement, entry.Entity, expectOneRow: true);
            }
        }

        // A new row whose key the database generated is not read back: nothing in a batch looks it up
        // by that key, so the tracker lets it go rather than keep it under a temporary one.
        foreach (var entry in pending.Where(e => e.State == EntityState.Added && HasGeneratedKey(e.Metadata)))
            entry.State = EntityState.Detached;
        db.ChangeTracker.AcceptAllChanges();
        return true;
    }

    /// <summary>
    /// Inserts rows the change tracker never saw (a batch's events and outbox rows: added, never
    /// changed), in list order; keys the database generates are not read back.
    /// </summary>
    public static Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class =>
        ExecuteEachAsync(db, rows, Insert, expectOneRow: false, cancellationToken);

    /// <summary>
    /// Adds rows of sums (every column but the key is a count): a row whose key is stored already adds
    /// its values to the stored ones, any other is inserted.
    /// </summary>
    public static Task AddUpAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class =>
        ExecuteEachAsync(db, rows, (type, statements) => statements.Prepared(type, $"add-up {type.Name}", () =>
        {
            var columns = type.GetProperties().ToList();
            var keys = type.FindPrimaryKey()!.Properties;
            var sums = columns.Where(c => !c.IsPrimaryKey()).Select(c => $"{Column(c)} = {Table(type)}.{Column(c)} + excluded.{Column(c)}");
            var sql = $"INSERT INTO {Table(type)} ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})"
                + $" ON CONFLICT ({string.Join(", ", keys.Select(Column))}) DO UPDATE SET {string.Join(", ", sums)}";
            return (sql, columns);
        }), expectOneRow: true, cancellationToken);

    /// <summary>
    /// Writes every column of rows the change tracker never saw (a tick's due runs, read untracked),
    /// by primary key: each must exist, as EF's own check for an update demands.
    /// </summary>
    public static Task UpdateAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class =>
        UpdateExceptAsync(db, rows, unchanged: [], cancellationToken);

    /// <summary>
    /// Like <see cref="UpdateAsync{T}"/>, without the <paramref name="unchanged"/> columns, which the
    /// caller knows these rows still hold as stored. SQLite rewrites the entries of every index with a
    /// column in an UPDATE's SET, changed or not: a profile's update named its indexed email and time
    /// zone, which cost four index operations a profile and batch for nothing.
    /// </summary>
    public static Task UpdateExceptAsync<T>(DbContext db, IReadOnlyList<T> rows, IReadOnlyList<string> unchanged, CancellationToken cancellationToken)
        where T : class =>
        ExecuteEachAsync(db, rows, (type, statements) => statements.Prepared(type, $"update-except {type.Name} {string.Join(",", unchanged)}", () =>
            UpdateSql(type, [.. type.GetProperties().Where(p => !p.IsPrimaryKey() && !unchanged.Contains(p.Name))])), expectOneRow: true, cancellationToken);

    /// <summary>
    /// Like <see cref="UpdateExceptAsync{T}"/>, except for <paramref name="column"/>, a JSON array: the
    /// row's value is added to the end of the stored array, which is never read into the process
    /// (a run's step log: its row holds only the steps taken since it was read; see EngineSession.logsUnread).
    /// </summary>
    public static Task UpdateAppendingAsync<T>(DbContext db, IReadOnlyList<T> rows, string column, IReadOnlyList<string> unchanged, CancellationToken cancellationToken)
        where T : class =>
        ExecuteEachAsync(db, rows, (type, statements) => statements.Prepared(type, $"update-appending {type.Name} {column} {string.Join(",", unchanged)}", () =>
        {
            var array = type.FindProperty(column)!;
            return UpdateSql(type, [.. type.GetProperties().Where(p => !p.IsPrimaryKey() && p != array && !unchanged.Contains(p.Name))], appendTo: array);
        }), expectOneRow: true, cancellationToken);

    /// <summary>Runs one prepared statement of <typeparamref name="T"/>'s table for each row, in list order.</summary>
    private static async Task ExecuteEachAsync<T>(DbContext db, IReadOnlyList<T> rows, Func<IEntityType, Statements, Statement> statementFor, bool expectOneRow, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
            return;
        using var lease = await LeaseAsync(db, cancellationToken);
        var statement = statementFor(db.Model.FindEntityType(typeof(T))!, lease.Statements);
        foreach (var row in rows)
            Execute(statement, row, expectOneRow);
    }

    /// <summary>The connection's kept statements, or a set for this call only, finalized when the lease ends.</summary>
    private static async Task<StatementLease> LeaseAsync(DbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync(cancellationToken);
        return Kept.TryGetValue(connection, out var kept) ? new StatementLease(kept, Owned: false) : new StatementLease(new Statements((SqliteConnection)connection), Owned: true);
    }

    private readonly record struct StatementLease(Statements Statements, bool Owned) : IDisposable
    {
        public void Dispose()
        {
            if (Owned)
                Statements.Dispose();
        }
    }

    private static void Execute(Statement statement, object entity, bool expectOneRow)
    {
        var rows = statement.Execute(entity);

        // EF's own check: an update or removal that found no row means the batch worked on a stale view.
        if (expectOneRow && rows != 1)
            throw new DbUpdateConcurrencyException($"Expected to write one {statement.Table} row, wrote {rows}.");
    }

    private static Statement Insert(IEntityType type, Statements statements) =>
        statements.Prepared(type, $"insert {type.Name}", () =>
        {
            var columns = type.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsPrimaryKey()).ToList();
            var sql = $"INSERT INTO {Table(type)} ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            return (sql, columns);
        });

    private static Statement? Update(EntityEntry entry, Statements statements)
    {
        var type = entry.Metadata;

        // The changed columns as bits: the statement for that set is looked up without building a list per row.
        var properties = type.GetProperties().ToList();
        if (properties.Count > 64)
            throw new InvalidOperationException($"{type.Name} has more than 64 columns; the bulk writer's update shapes hold at most 64.");
        var changedBits = 0UL;
        for (var i = 0; i < properties.Count; i++)
        {
            if (!properties[i].IsPrimaryKey() && entry.Property(properties[i]).IsModified)
                changedBits |= 1UL << i;
        }

        if (changedBits == 0)
            return null;
        return statements.Prepared(type, $"update {type.Name} {changedBits}", () =>
            UpdateSql(type, [.. properties.Where((_, i) => (changedBits & (1UL << i)) != 0)]));
    }

    /// <summary>
    /// An UPDATE of these columns by primary key; parameters: the columns, the JSON array to append
    /// to <paramref name="appendTo"/>'s stored one if given, then the key.
    /// </summary>
    private static (string Sql, IReadOnlyList<IProperty> Columns) UpdateSql(IEntityType type, IReadOnlyList<IProperty> columns, IProperty? appendTo = null)
    {
        var keys = type.FindPrimaryKey()!.Properties;
        var sets = columns.Select((p, i) => $"{Column(p)} = @p{i}").ToList();
        IReadOnlyList<IProperty> bound = columns;
        if (appendTo is not null)
        {
            var (stored, added) = (Column(appendTo), $"@p{columns.Count}");
            sets.Add($"{stored} = CASE WHEN {added} IN ('', '[]') THEN {stored} WHEN {stored} IN ('', '[]') THEN {added}"
                + $" ELSE substr({stored}, 1, length({stored}) - 1) || ',' || substr({added}, 2) END");
            bound = [.. columns, appendTo];
        }

        var where = string.Join(" AND ", keys.Select((p, i) => $"{Column(p)} = @p{bound.Count + i}"));
        return ($"UPDATE {Table(type)} SET {string.Join(", ", sets)} WHERE {where}", [.. bound, .. keys]);
    }

    private static Statement Delete(EntityEntry entry, Statements statements)
    {
        var type = entry.Metadata;
        return statements.Prepared(type, $"delete {type.Name}", () =>
        {
            var keys = type.FindPrimaryKey()!.Properties;
            return ($"DELETE FROM {Table(type)} WHERE {string.Join(" AND ", keys.Select((p, i) => $"{Column(p)} = @p{i}"))}", [.. keys]);
        });
    }

    private static bool HasGeneratedKey(IEntityType type) => type.FindPrimaryKey()!.Properties.Any(p => p.ValueGenerated != ValueGenerated.Never);

    private static string Table(IEntityType type) => $"\"{type.GetTableName()}\"";

    private static string Column(IProperty property) => $"\"{property.GetColumnName()}\"";

    /// <summary>The statements prepared on one connection, by shape.</summary>
    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, Statement> byShape = new(StringComparer.Ordinal);

        public Statement Prepared(IEntityType type, string shape, Func<(string Sql, IReadOnlyList<IProperty> Columns)> build)
        {
            if (byShape.TryGetValue(shape, out var statement))
                return statement;
            var (sql, columns) = build();
            var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            var rc = raw.sqlite3_prepare_v2(db, sql, out var handle);
            if (rc != raw.SQLITE_OK)
                SqliteException.ThrowExceptionForRC(rc, db);
            return byShape[shape] = new Statement(type.GetTableName()!, db, handle, Binder(type, columns));
        }

        public void Dispose()
        {
            foreach (var statement in byShape.Values)
                statement.Dispose();
            byShape.Clear();
        }
    }

    /// <summary>One prepared statement and how to read its parameters from an entity, in order.</summary>
    private sealed class Statement(string table, sqlite3 db, sqlite3_stmt handle, Action<Statement, object> bindRow) : IDisposable
    {
        // How long a write waits for another connection's lock, as Microsoft.Data.Sqlite's commands do
        // (the store's DefaultTimeout): a batch runs inside a transaction that already holds the write
        // lock, so this only matters for a write outside one.
        private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

        // The raw pointers, for the per-value calls (see SqliteCalls); the safe handles keep them alive.
        private readonly IntPtr statement = handle.DangerousGetHandle();
        private readonly IntPtr connection = db.DangerousGetHandle();

        public string Table => table;

        /// <summary>Binds the entity's values, runs the statement and returns the rows it changed.</summary>
        public int Execute(object entity)
        {
            bindRow(this, entity);
            try
            {
                var rc = SqliteCalls.Step(statement);
                if (IsBusy(rc))
                    rc = StepWhenFree();
                if (rc != raw.SQLITE_DONE)
                    SqliteException.ThrowExceptionForRC(rc, db);
                return SqliteCalls.Changes(connection);
            }
            finally
            {
                SqliteCalls.Reset(statement);
            }
        }

        /// <summary>Binds the arguments (text, numbers or null) to ?1, ?2 …, runs the query and materializes each row.</summary>
        public List<T> Read<T>(IReadOnlyList<object?> arguments, Func<IntPtr, object> materialize)
            where T : class
        {
            for (var i = 0; i < arguments.Count; i++)
                Bind(i + 1, arguments[i] ?? DBNull.Value);
            var rows = new List<T>();
            try
            {
                int rc;
                while ((rc = SqliteCalls.Step(statement)) == raw.SQLITE_ROW)
                    rows.Add((T)materialize(statement));

                if (rc != raw.SQLITE_DONE)
                    SqliteException.ThrowExceptionForRC(rc, db);
                return rows;
            }
            finally
            {
                SqliteCalls.Reset(statement);
            }
        }

        private static bool IsBusy(int rc) => (rc & 0xFF) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED;

        // Only when another connection holds the lock (rare: batches run in a transaction that holds it),
        // so the row path itself starts no clock.
        private int StepWhenFree()
        {
            var since = System.Diagnostics.Stopwatch.GetTimestamp();
            int rc;
            do
            {
                raw.sqlite3_reset(handle);
                Thread.Sleep(1);
                rc = raw.sqlite3_step(handle);
            }
            while (IsBusy(rc) && System.Diagnostics.Stopwatch.GetElapsedTime(since) < BusyTimeout);
            return rc;
        }

        // Text is encoded into one buffer per statement (SQLite copies what is bound): binding a .NET
        // string allocated its UTF-8 copy, a few hundred MB over a replay.
        private byte[] utf8 = new byte[256];

        public void BindNull(int index) => Check(SqliteCalls.BindNull(statement, index));

        public void BindInt64(int index, long value) => Check(SqliteCalls.BindInt64(statement, index, value));

        public void BindDouble(int index, double value) => Check(SqliteCalls.BindDouble(statement, index, value));

        public void BindString(int index, string value) => Check(BindText(index, value));

        public void BindKey(int index, Guid value) => Check(BindGuid(index, value));

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
                SqliteException.ThrowExceptionForRC(rc, db);
        }

        private void Bind(int index, object value)
        {
            switch (value)
            {
                case DBNull:
                    BindNull(index);
                    break;
                case string text:
                    BindString(index, text);
                    break;
                case Guid guid:
                    BindKey(index, guid);
                    break;
                case long number:
                    BindInt64(index, number);
                    break;
                case int number:
                    BindInt64(index, number);
                    break;
                case double number:
                    BindDouble(index, number);
                    break;
                default:
                    throw new NotSupportedException($"The bulk writer cannot bind a {value.GetType().Name} for a {table} column; give the property a value converter to a string or a number.");
            }
        }

        private int BindText(int index, string text)
        {
            var most = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (utf8.Length < most)
                utf8 = new byte[Math.Max(most, utf8.Length * 2)];
            var length = Encoding.UTF8.GetBytes(text, utf8);
            return SqliteCalls.BindText(statement, index, utf8, length);
        }

        /// <summary>A key as EF Core's SQLite provider stores it: text, upper case.</summary>
        private int BindGuid(int index, Guid guid)
        {
            guid.TryFormat(utf8, out var length, "D");
            for (var i = 0; i < length; i++)
            {
                if (utf8[i] is >= (byte)'a' and <= (byte)'f')
                    utf8[i] -= 'a' - 'A';
            }

            return SqliteCalls.BindText(statement, index, utf8, length);
        }

        public void Dispose() => handle.Dispose();
    }
}
