using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// Fast set-up of large stores: prepared INSERTs in big transactions, in the exact shapes the engine
/// writes (instants as UTC ticks, enums as names, GUIDs as upper-case text; checked against rows the
/// engine itself wrote).
/// </summary>
internal static class Bulk
{
    public static string Text(Guid id) => id.ToString("D").ToUpperInvariant();

    public static long Ticks(DateTimeOffset at) => at.UtcTicks;

    /// <summary>Inserts <paramref name="count"/> rows made by <paramref name="row"/> into <paramref name="table"/>.</summary>
    public static void Insert(SqliteConnection connection, string table, IReadOnlyList<string> columns, int count, Func<int, object?[]> row, int perTransaction = 100_000)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }

        var done = 0;
        while (done < count)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
            var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            command.Prepare();
            var end = Math.Min(count, done + perTransaction);
            for (var i = done; i < end; i++)
            {
                var values = row(i);
                for (var p = 0; p < parameters.Length; p++)
                    parameters[p].Value = values[p] ?? DBNull.Value;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            done = end;
        }
    }

    public static int Execute(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        return command.ExecuteNonQuery();
    }

    public static string Id(string prefix, int i) => prefix + i.ToString("D7", CultureInfo.InvariantCulture);

    public static readonly string[] CustomerColumns =
        ["Id", "IsAnonymous", "AttributesJson", "TagsJson", "ConsentJson", "Points", "OrderCount", "TotalSpent", "CartValue", "LastSeenAt", "FirstSeenAt", "RfmR", "RfmF", "RfmM", "EntriesJson"];

    public static readonly string[] EventColumns =
        ["Key", "EventId", "Type", "CustomerId", "OccurredAt", "ReceivedAt", "PropertiesJson"];

    public static readonly string[] RunColumns =
        ["Id", "FlowId", "Version", "CustomerId", "Status", "NodeId", "WakeAt", "EnteredAt", "EventKey", "StepCount", "MessagesSent", "Log"];

    public static readonly string[] NodeCountColumns =
        ["FlowId", "NodeId", "Outcome", "Port", "Day", "Count"];

    public static readonly string[] RunTallyColumns =
        ["FlowId", "Status", "NodeId", "Count"];
}
