using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// Writes everything a batch changed (new rows, changed columns, removed rows) with prepared
/// statements, one per table and shape, reused for every row — EF Core's SaveChanges spent most of
/// a tick and of an ingest batch building, sorting and preparing per-row statements. Column names
/// and stored forms come from the EF model itself (value converters included), so both paths write
/// the same rows. SQLite only: other providers keep EF's path until they get their own writer.
/// </summary>
internal static class BulkWriter
{
    // Statements stay prepared for as long as their connection lives: a connection kept open across
    // many small batches (a simulation's) prepares each shape once.
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, Statement>> Cache = new();

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

        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync(cancellationToken);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var statements = Cache.GetValue(connection, _ => new Dictionary<string, Statement>(StringComparer.Ordinal));

        // Removals first, as EF orders them: a removed row and a new one may share a unique key.
        foreach (var entry in pending.Where(e => e.State == EntityState.Deleted))
            await ExecuteAsync(Delete(entry, statements, connection), transaction, entry, expectOneRow: true, cancellationToken);
        foreach (var entry in pending.Where(e => e.State == EntityState.Added))
            await ExecuteAsync(Insert(entry.Metadata, statements, connection), transaction, entry, expectOneRow: false, cancellationToken);
        foreach (var entry in pending.Where(e => e.State == EntityState.Modified))
        {
            if (Update(entry, statements, connection) is { } statement)
                await ExecuteAsync(statement, transaction, entry, expectOneRow: true, cancellationToken);
        }

        // A new row whose key the database generated is not read back: nothing in a batch looks it up
        // by that key, so the tracker lets it go rather than keep it under a temporary one.
        foreach (var entry in pending.Where(e => e.State == EntityState.Added && HasGeneratedKey(e.Metadata)))
            entry.State = EntityState.Detached;
        db.ChangeTracker.AcceptAllChanges();
        return true;
    }

    /// <summary>
    /// Inserts rows the change tracker never saw (a batch's events, steps and outbox rows: added,
    /// never changed), in list order; keys the database generates are not read back.
    /// </summary>
    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
            return;
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync(cancellationToken);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var statement = Insert(db.Model.FindEntityType(typeof(T))!, Cache.GetValue(connection, _ => new Dictionary<string, Statement>(StringComparer.Ordinal)), connection);
        foreach (var row in rows)
            await ExecuteAsync(statement, transaction, row, expectOneRow: false, cancellationToken);
    }

    private static Task ExecuteAsync(Statement statement, DbTransaction? transaction, EntityEntry entry, bool expectOneRow, CancellationToken cancellationToken) =>
        ExecuteAsync(statement, transaction, entry.Entity, expectOneRow, cancellationToken);

    private static async Task ExecuteAsync(Statement statement, DbTransaction? transaction, object entity, bool expectOneRow, CancellationToken cancellationToken)
    {
        statement.Command.Transaction = transaction;
        for (var i = 0; i < statement.Values.Count; i++)
            statement.Parameters[i].Value = statement.Values[i].Read(entity);
        var rows = await statement.Command.ExecuteNonQueryAsync(cancellationToken);

        // EF's own check: an update or removal that found no row means the batch worked on a stale view.
        if (expectOneRow && rows != 1)
            throw new DbUpdateConcurrencyException($"Expected to write one {statement.Table} row, wrote {rows}.");
    }

    private static Statement Insert(IEntityType type, Dictionary<string, Statement> statements, DbConnection connection) =>
        Prepared(statements, type, $"insert {type.Name}", connection, () =>
        {
            var columns = type.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsPrimaryKey()).ToList();
            var sql = $"INSERT INTO {Table(type)} ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            return (sql, columns);
        });

    private static Statement? Update(EntityEntry entry, Dictionary<string, Statement> statements, DbConnection connection)
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
        return Prepared(statements, type, $"update {type.Name} {changedBits}", connection, () =>
        {
            var changed = properties.Where((_, i) => (changedBits & (1UL << i)) != 0).ToList();
            var keys = type.FindPrimaryKey()!.Properties;
            var sets = string.Join(", ", changed.Select((p, i) => $"{Column(p)} = @p{i}"));
            var where = string.Join(" AND ", keys.Select((p, i) => $"{Column(p)} = @p{changed.Count + i}"));
            return ($"UPDATE {Table(type)} SET {sets} WHERE {where}", [.. changed, .. keys]);
        });
    }

    private static Statement Delete(EntityEntry entry, Dictionary<string, Statement> statements, DbConnection connection)
    {
        var type = entry.Metadata;
        return Prepared(statements, type, $"delete {type.Name}", connection, () =>
        {
            var keys = type.FindPrimaryKey()!.Properties;
            return ($"DELETE FROM {Table(type)} WHERE {string.Join(" AND ", keys.Select((p, i) => $"{Column(p)} = @p{i}"))}", [.. keys]);
        });
    }

    private static Statement Prepared(Dictionary<string, Statement> statements, IEntityType type, string shape, DbConnection connection, Func<(string Sql, IReadOnlyList<IProperty> Columns)> build)
    {
        if (statements.TryGetValue(shape, out var statement))
            return statement;
        var (sql, columns) = build();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameters = new List<DbParameter>(columns.Count);
        for (var i = 0; i < columns.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
            parameters.Add(parameter);
        }

        return statements[shape] = new Statement(type.GetTableName()!, command, [.. columns.Select(c => new StoredValue(c))], parameters);
    }

    private static bool HasGeneratedKey(IEntityType type) => type.FindPrimaryKey()!.Properties.Any(p => p.ValueGenerated != ValueGenerated.Never);

    private static string Table(IEntityType type) => $"\"{type.GetTableName()}\"";

    private static string Column(IProperty property) => $"\"{property.GetColumnName()}\"";

    private sealed record Statement(string Table, DbCommand Command, IReadOnlyList<StoredValue> Values, IReadOnlyList<DbParameter> Parameters);

    /// <summary>One column's value as the database stores it; getter and converter looked up once per statement.</summary>
    private sealed class StoredValue(IProperty property)
    {
        private readonly IClrPropertyGetter getter = property.GetGetter();
        private readonly ValueConverter? converter = property.GetTypeMapping().Converter;

        public object Read(object entity)
        {
            var value = getter.GetClrValue(entity);
            if (value is null)
                return DBNull.Value;
            if (converter is not null)
                return converter.ConvertToProvider(value) ?? DBNull.Value;
            return value switch
            {
                Guid guid => guid.ToString().ToUpperInvariant(),
                bool flag => flag ? 1L : 0L,
                _ => value,
            };
        }
    }
}
