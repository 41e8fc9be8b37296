using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Guardrails;

/// <summary>The sender's weekly quota: its week, the messages sent in it, and the limit.</summary>
public sealed record QuotaState(DateTimeOffset WeekStart, int Used, int Limit, int Audience);

/// <summary>
/// The weekly quota (DESIGN.md §5.5): limit = max(minimum, (customers who added to cart + store
/// followers + customers who viewed products three or more times + customers who ordered, each
/// counted over the previous week) / divisor). The week starts Monday 00:00 in the store's zone.
/// Marketing messages sent or queued for the week (due in it) count against it from the moment
/// they are queued: a send moved past quiet hours holds its place in the week it will go out in.
/// </summary>
public static class Quota
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Store, long Week), int> Audiences = new();

    public const int SeveralViews = 3;

    public static DateTimeOffset WeekStart(DateTimeOffset now, string storeZone)
    {
        var zone = LocalClock.Zone(storeZone, "UTC");
        var today = LocalClock.Today(now, zone);
        var monday = today.PlusDays(-(((int)today.DayOfWeek - (int)IsoDayOfWeek.Monday + 7) % 7));
        return LocalClock.At(monday, LocalTime.Midnight, zone);
    }

    /// <summary>The end of the quota week that starts at <paramref name="weekStart"/> (a week later in the store's zone).</summary>
    public static DateTimeOffset WeekEnd(DateTimeOffset weekStart, string storeZone) =>
        LocalClock.Add(weekStart, Period.FromWeeks(1), LocalClock.Zone(storeZone, "UTC"));

    /// <summary>Whether the audience of the week containing <paramref name="now"/> is already counted.</summary>
    public static bool IsKnown(FlowDbContext db, StoreSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(settings);
        return Audiences.ContainsKey((db.Database.GetConnectionString() ?? "", WeekStart(now, settings.Guardrails.StoreTimeZone).UtcTicks));
    }

    public static async Task<QuotaState> CurrentAsync(FlowDbContext db, StoreSettings settings, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(settings);
        var weekStart = WeekStart(now, settings.Guardrails.StoreTimeZone);
        var previous = LocalClock.Add(weekStart, Period.FromWeeks(-1), LocalClock.Zone(settings.Guardrails.StoreTimeZone, "UTC"));

        // A finished week's audience does not change: counted once per store and week.
        var key = (db.Database.GetConnectionString() ?? "", weekStart.UtcTicks);
        if (!Audiences.TryGetValue(key, out var audience))
            Audiences[key] = audience = await AudienceAsync(db, previous, weekStart, cancellationToken);

        var quota = settings.Guardrails.WeeklyQuota;
        var limit = Math.Max(quota.Minimum, audience / Math.Max(1, quota.Divisor));
        var used = await CountUsed(db, weekStart, WeekEnd(weekStart, settings.Guardrails.StoreTimeZone), cancellationToken);
        return new QuotaState(weekStart, used, limit, audience);
    }

    /// <summary>
    /// Marketing messages sent or queued for the week starting at <paramref name="weekStart"/>: what a
    /// send moved past quiet hours into a later week is checked against (with the current week's limit,
    /// that week's audience being still open).
    /// </summary>
    public static Task<int> UsedAsync(FlowDbContext db, StoreSettings settings, DateTimeOffset weekStart, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return CountUsed(db, weekStart, WeekEnd(weekStart, settings.Guardrails.StoreTimeZone), cancellationToken);
    }

    // Compiled once: every batch that sends reads it (a replay, tens of thousands of times), and EF's
    // per-call work on the expression tree cost more than the count itself.
    private static readonly Func<FlowDbContext, DateTimeOffset, DateTimeOffset, CancellationToken, Task<int>> CountUsed =
        EF.CompileAsyncQuery((FlowDbContext db, DateTimeOffset weekStart, DateTimeOffset weekEnd, CancellationToken cancellationToken) =>
            db.Messages.AsNoTracking().Count(
                m => m.Kind == OutboxKind.Message && m.Channel != Channel.Webhook
                     && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Pending)
                     && m.DueAt >= weekStart && m.DueAt < weekEnd));

    /// <summary>The four groups of the formula over [from, to), each counted in customers, then added up.</summary>
    public static async Task<int> AudienceAsync(FlowDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var week = db.Events.AsNoTracking().Where(e => e.OccurredAt >= from && e.OccurredAt < to);
        var carts = await week.Where(e => e.Type == EventTypes.CartAdded).Select(e => e.CustomerId).Distinct().CountAsync(cancellationToken);
        var followers = await week.Where(e => e.Type == EventTypes.StoreFollowed).Select(e => e.CustomerId).Distinct().CountAsync(cancellationToken);
        var viewers = await week.Where(e => e.Type == EventTypes.ProductViewed).GroupBy(e => e.CustomerId).Where(g => g.Count() >= SeveralViews).CountAsync(cancellationToken);
        var buyers = await week.Where(e => e.Type == EventTypes.OrderPlaced).Select(e => e.CustomerId).Distinct().CountAsync(cancellationToken);
        return carts + followers + viewers + buyers;
    }
}
