namespace ReEngage.Flows.Engine.Storage;

/// <summary>The node counts' and run tallies' sums on EF Core's path (providers without the bulk writer).</summary>
internal static class NodeCounts
{
    /// <summary>Adds each row's count to the stored row with its key, or adds the row; saved with the context's other changes.</summary>
    public static async Task AddUpAsync(FlowDbContext db, IReadOnlyList<NodeCountRecord> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            var stored = await db.NodeCounts.FindAsync([row.FlowId, row.NodeId, row.Outcome, row.Port, row.Day], cancellationToken);
            if (stored is null)
                db.NodeCounts.Add(row);
            else
                stored.Count += row.Count;
        }

        db.ChangeTracker.DetectChanges();
    }

    /// <summary>Adds each row's count (a move, negative for runs that left) to the stored tally with its key, or adds the row.</summary>
    public static async Task AddUpAsync(FlowDbContext db, IReadOnlyList<RunTallyRecord> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            var stored = await db.RunTallies.FindAsync([row.FlowId, row.Status, row.NodeId], cancellationToken);
            if (stored is null)
                db.RunTallies.Add(row);
            else
                stored.Count += row.Count;
        }

        db.ChangeTracker.DetectChanges();
    }
}
