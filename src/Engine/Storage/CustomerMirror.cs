using Microsoft.EntityFrameworkCore;

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
        var start = 0;
        if (after is not null)
        {
            // The first customer whose id sorts after the cursor.
            var (low, high) = (0, ordered.Count);
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (string.CompareOrdinal(ordered[middle].Id, after) <= 0)
                    low = middle + 1;
                else
                    high = middle;
            }

            start = low;
        }

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

        var changed = await db.Database.SqlQueryRaw<string>($"SELECT DISTINCT \"Id\" AS \"Value\" FROM {Log}").ToListAsync(cancellationToken);
        if (changed.Count == 0)
            return;
        await db.Database.ExecuteSqlRawAsync($"DELETE FROM {Log}", cancellationToken);
        foreach (var id in changed)
            known.Remove(id);
        foreach (var chunk in changed.Chunk(500))
        {
            foreach (var customer in await db.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id) && !c.IsAnonymous).ToListAsync(cancellationToken))
                known[customer.Id] = customer;
        }

        Order();
    }

    private void Order()
    {
        ordered = [.. known.Values];
        ordered.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));
    }
}
