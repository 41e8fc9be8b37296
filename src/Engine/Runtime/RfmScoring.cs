using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// RFM scores by quintiles of the customers who ordered: R from days since the last order (recent =
/// 5), F from the order count, M from the total spent (high = 5); ties share a score. Segments:
/// Champions (R≥4, F≥4, M≥4), Loyal (F≥4), New (R=5, F=1), Potential (R≥4), AtRisk (R≤2, F≥3),
/// Lost (R=1, F≤2), Hibernating (R≤2), NeedAttention (the rest). Customers without orders are unscored.
/// </summary>
public static class RfmScoring
{
    public static async Task<int> RecomputeAsync(FlowDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var buyers = await db.Customers.AsNoTracking()
            .Where(c => c.OrderCount > 0 && c.LastOrderAt != null)
            .Select(c => new { c.Id, c.LastOrderAt, c.OrderCount, c.TotalSpent })
            .ToListAsync(cancellationToken);
        if (buyers.Count == 0)
            return 0;

        var recency = Quintiles(buyers.Select(b => -(now - b.LastOrderAt!.Value).TotalDays).ToList());
        var frequency = Quintiles(buyers.Select(b => (double)b.OrderCount).ToList());
        var monetary = Quintiles(buyers.Select(b => (double)b.TotalSpent).ToList());

        for (var start = 0; start < buyers.Count; start += 1000)
        {
            var chunk = buyers.Skip(start).Take(1000).ToList();
            var ids = chunk.Select(b => b.Id).ToList();
            var tracked = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            for (var i = 0; i < chunk.Count; i++)
            {
                var (r, f, m) = (recency[start + i], frequency[start + i], monetary[start + i]);
                var customer = tracked[chunk[i].Id];
                (customer.RfmR, customer.RfmF, customer.RfmM, customer.RfmSegment) = (r, f, m, Segment(r, f, m));
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return buyers.Count;
    }

    public static string Segment(int r, int f, int m) => (r, f, m) switch
    {
        ( >= 4, >= 4, >= 4) => "Champions",
        (_, >= 4, _) => "Loyal",
        (5, 1, _) => "New",
        ( >= 4, _, _) => "Potential",
        ( <= 2, >= 3, _) => "AtRisk",
        (1, <= 2, _) => "Lost",
        ( <= 2, _, _) => "Hibernating",
        _ => "NeedAttention",
    };

    /// <summary>1–5 by the rank of each value (higher value, higher score); equal values get the same score.</summary>
    internal static int[] Quintiles(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var scores = new int[values.Count];
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
                j++;
            var score = 1 + (int)(5.0 * i / order.Length);
            for (var k = i; k <= j; k++)
                scores[order[k]] = Math.Min(5, score);
            i = j + 1;
        }

        return scores;
    }
}
