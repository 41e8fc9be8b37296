using Microsoft.EntityFrameworkCore;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>The node counts' and run tallies' sums on EF Core's path (providers without the bulk writer).</summary>
internal static class NodeCounts
{
    /// <summary>Adds each row's count to the stored row with its key, or adds the row; saved with the context's other changes.</summary>
    public static Task AddUpAsync(FlowDbContext db, IReadOnlyList<NodeCountRecord> rows, CancellationToken cancellationToken) =>
        AddUpAsync(db, db.NodeCounts, rows, r => [r.FlowId, r.NodeId, r.Outcome, r.Port, r.Day], (stored, row) => stored.Count += row.Count, cancellationToken);

    /// <summary>Adds each row's count (a move, negative for runs that left) to the stored tally with its key, or adds the row.</summary>
    public static Task AddUpAsync(FlowDbContext db, IReadOnlyList<RunTallyRecord> rows, CancellationToken cancellationToken) =>
        AddUpAsync(db, db.RunTallies, rows, r => [r.FlowId, r.Status, r.NodeId], (stored, row) => stored.Count += row.Count, cancellationToken);

    private static async Task AddUpAsync<T>(FlowDbContext db, DbSet<T> table, IReadOnlyList<T> rows, Func<T, object[]> keyOf, Action<T, T> addTo, CancellationToken cancellationToken)
        where T : class
    {
        foreach (var row in rows)
        {
            if (await table.FindAsync(keyOf(row), cancellationToken) is { } stored)
                addTo(stored, row);
            else
                table.Add(row);
        }

        db.ChangeTracker.DetectChanges();
    }
}
