using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// Writes the many small rows a batch adds (steps, outbox messages) with one prepared INSERT per
/// table, reusing it for every row, instead of EF Core's per-row statements — three quarters of a
/// tick was EF's saving of those rows. Column names and stored forms come from the EF model itself
/// (value converters included), so both paths write the same rows. SQLite only; other providers
/// keep EF's path until they get their own writer.
/// </summary>
internal static class BulkWriter
{
    public static async Task WriteAddedAsync<T>(DbContext db, CancellationToken cancellationToken)
        where T : class
    {
        if (!db.Database.IsSqlite())
            return;
        var added = db.ChangeTracker.Entries<T>().Where(e => e.State == EntityState.Added).ToList();
        if (added.Count < 2)
            return;

        var entityType = db.Model.FindEntityType(typeof(T))!;
        var columns = entityType.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsPrimaryKey()).ToList();
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{entityType.GetTableName()}\" ({string.Join(", ", columns.Select(c => $"\"{c.GetColumnName()}\""))}) " +
                              $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        var parameters = columns.Select((_, i) =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
            return parameter;
        }).ToList();

        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync(cancellationToken);
        await command.PrepareAsync(cancellationToken);
        foreach (var entry in added)
        {
            for (var i = 0; i < columns.Count; i++)
                parameters[i].Value = Stored(columns[i], columns[i].GetGetter().GetClrValue(entry.Entity));
            await command.ExecuteNonQueryAsync(cancellationToken);

            // Written: the change tracker must neither write it again nor wait for a generated key.
            entry.State = EntityState.Detached;
        }
    }

    private static object Stored(IProperty property, object? value)
    {
        if (value is null)
            return DBNull.Value;
        if (property.GetTypeMapping().Converter is { } converter)
            return converter.ConvertToProvider(value) ?? DBNull.Value;
        return value switch
        {
            Guid guid => guid.ToString().ToUpperInvariant(),
            bool flag => flag ? 1L : 0L,
            _ => value,
        };
    }
}
