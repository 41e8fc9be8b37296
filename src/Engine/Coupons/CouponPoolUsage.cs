using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Coupons;

/// <summary>A coupon pool with how many of its codes were issued and how many redeemed.</summary>
public sealed record PoolUsage(CouponPoolDefinition Pool, int Issued, int Redeemed);

public static class CouponPoolUsage
{
    public static async Task<IReadOnlyList<PoolUsage>> ListAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        var counts = await db.CouponIssues.AsNoTracking()
            .GroupBy(c => c.PoolId)
            .Select(g => new { Pool = g.Key, Issued = g.Count(), Redeemed = g.Count(c => c.RedeemedAt != null) })
            .ToDictionaryAsync(c => c.Pool, cancellationToken);
        return settings.CouponPools
            .Select(p => new PoolUsage(p, counts.GetValueOrDefault(p.Id)?.Issued ?? 0, counts.GetValueOrDefault(p.Id)?.Redeemed ?? 0))
            .ToList();
    }
}
