using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// The known (not anonymous) customers of a replay's store, kept in memory between schedule fires:
/// a daily audience tests every customer every day, and reading them all from SQLite each time was
/// the largest share of a replay. Temporary SQLite triggers on the store's one connection log every
/// insert, update and delete of a customer row, whatever wrote it (a batch, an identity merge, RFM
/// scoring), so each fire re-reads only the rows logged since the last one. The log is written in
/// the writer's transaction: a batch that rolls back leaves no entry.
/// </summary>
internal sealed class CustomerMirror
{
    private const string Log = "temp.\"ChangedCustomers\"";

    private readonly Dictionary<string, CustomerRecord> known = new(StringComparer.Ordinal);
    private List<CustomerRecord> ordered = [];
    private bool watching;

    /// <summary>
    /// Up to <paramref name="count"/> known customers after <paramref name="after"/> in id order,
    /// untracked; the first page of a pass (<paramref name="after"/> null) brings the mirror up to date.
    /// Call it outside a transaction.
    /// </summary>
    public async Task<List<CustomerRecord>> PageAsync(FlowDbContext db, string? after, int count, CancellationToken cancellationToken)
    {
        if (after is null)
            await RefreshAsync(db, cancellationToken);
        // The first customer whose id sorts after the cursor.
        var start = after is null ? 0 : IndexOf(after);
        if (after is not null && start < ordered.Count && ordered[start].Id == after)
            start++;

        return ordered.GetRange(start, Math.Min(count, ordered.Count - start));
    }

    private async Task RefreshAsync(FlowDbContext db, CancellationToken cancellationToken)
    {
        if (!watching)
        {
            await db.Database.ExecuteSqlRawAsync(
                $"CREATE TEMP TABLE IF NOT EXISTS {Log} (\"Id\" TEXT NOT NULL);" +
                "CREATE TEMP TRIGGER IF NOT EXISTS \"CustomerInserted\" AFTER INSERT ON main.\"Customers\" BEGIN INSERT INTO \"ChangedCustomers\" VALUES (NEW.\"Id\"); END;" +
                "CREATE TEMP TRIGGER IF NOT EXISTS \"CustomerUpdated\" AFTER UPDATE ON main.\"Customers\" BEGIN INSERT INTO \"ChangedCustomers\" VALUES (OLD.\"Id\"); INSERT INTO \"ChangedCustomers\" VALUES (NEW.\"Id\"); END;" +
                "CREATE TEMP TRIGGER IF NOT EXISTS \"CustomerDeleted\" AFTER DELETE ON main.\"Customers\" BEGIN INSERT INTO \"ChangedCustomers\" VALUES (OLD.\"Id\"); END;",
                cancellationToken);
            watching = true;
            known.Clear();
            foreach (var customer in await db.Customers.AsNoTracking().Where(c => !c.IsAnonymous).ToListAsync(cancellationToken))
                known[customer.Id] = customer;
            Order();
            return;
        }

        var changed = await TakeLogAsync(db, cancellationToken);
        if (changed.Count == 0)
            return;
        var fresh = new Dictionary<string, CustomerRecord>(StringComparer.Ordinal);
        foreach (var chunk in changed.Chunk(500))
        {
            await foreach (var customer in KnownAmong(db, chunk).WithCancellation(cancellationToken))
                fresh[customer.Id] = customer;
        }

        // A day changes a few dozen of thousands of rows: each takes its place in the order, rather than sorting all again.
        foreach (var id in changed)
        {
            var at = IndexOf(id);
            var present = at < ordered.Count && ordered[at].Id == id;
            if (fresh.TryGetValue(id, out var customer))
            {
                known[id] = customer;
                if (present)
                    ordered[at] = customer;
                else
                    ordered.Insert(at, customer);
            }
            else if (present)
            {
                known.Remove(id);
                ordered.RemoveAt(at);
            }
        }
    }

    /// <summary>The ids logged since the last call, the log emptied (one statement on the store's connection, in its transaction).</summary>
    private static async Task<List<string>> TakeLogAsync(FlowDbContext db, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"DELETE FROM {Log} RETURNING \"Id\"";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                ids.Add(reader.GetString(0));
        }

        return [.. ids];
    }

    private static readonly Func<FlowDbContext, string[], IAsyncEnumerable<CustomerRecord>> KnownAmong =
        EF.CompileAsyncQuery((FlowDbContext db, string[] ids) => db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id) && !c.IsAnonymous));

    /// <summary>Where <paramref name="id"/> is, or would go, in <see cref="ordered"/>.</summary>
    private int IndexOf(string id)
    {
        var (low, high) = (0, ordered.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (string.CompareOrdinal(ordered[middle].Id, id) < 0)
                low = middle + 1;
            else
                high = middle;
        }

        return low;
    }

    private void Order()
    {
        ordered = [.. known.Values];
        ordered.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));
    }
}
