using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Coupons;
using ReEngage.Flows.Engine.Guardrails;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Data;

/// <summary>Store settings, the weekly quota, coupon pools and flow analytics for the designer.</summary>
public sealed class SettingsDesk(IDbContextFactory<FlowDbContext> databases, TimeProvider time)
{
    public async Task<StoreSettings> SettingsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await EngineState.SettingsAsync(db, cancellationToken);
    }

    /// <summary>Saves settings that pass validation; otherwise saves nothing and returns every problem.</summary>
    public async Task<IReadOnlyList<FlowProblem>> SaveAsync(StoreSettings settings, CancellationToken cancellationToken = default)
    {
        var problems = SettingsValidator.Validate(settings);
        if (problems.Count > 0)
            return problems;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await EngineState.SaveSettingsAsync(db, settings, cancellationToken);
        return [];
    }

    public async Task<QuotaState> QuotaAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await Quota.CurrentAsync(db, await EngineState.SettingsAsync(db, cancellationToken), time.GetUtcNow(), cancellationToken);
    }

    public async Task<IReadOnlyList<PoolUsage>> PoolsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await CouponPoolUsage.ListAsync(db, cancellationToken);
    }

    /// <summary>Adds a pool; a taken id or an invalid pool is refused with its problems and nothing changes.</summary>
    public async Task<IReadOnlyList<FlowProblem>> AddPoolAsync(CouponPoolDefinition pool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        if (settings.CouponPools.Any(p => p.Id == pool.Id))
            return [new FlowProblem("pool.exists", $"A coupon pool '{pool.Id}' exists already.") { Path = "$.id" }];
        var updated = settings with { CouponPools = [.. settings.CouponPools, pool] };
        var problems = SettingsValidator.Validate(updated);
        if (problems.Count > 0)
            return problems;
        await EngineState.SaveSettingsAsync(db, updated, cancellationToken);
        return [];
    }

    public async Task<FlowReport?> ReportAsync(string flowId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var record = await db.Flows.AsNoTracking().SingleOrDefaultAsync(f => f.Id == flowId, cancellationToken);
        return record is null ? null : await FlowAnalytics.ReportAsync(db, FlowJson.Deserialize(record.DraftJson), cancellationToken);
    }
}
