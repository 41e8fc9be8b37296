using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Guardrails;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Campaigns;

/// <summary>The customer groups a one-off campaign can reach (the seller-centre ones).</summary>
public enum CustomerGroup
{
    /// <summary>Customers who added something to the cart in the period.</summary>
    AddedToCart,

    /// <summary>Customers who followed the store in the period.</summary>
    StoreFollowers,

    /// <summary>Customers who viewed products several times (3 or more product views) in the period.</summary>
    ViewedSeveralTimes,

    /// <summary>Customers who placed an order in the period.</summary>
    ExistingCustomers,
}

/// <summary>The estimated reach of a group: who is in it now, over the window (From, To].</summary>
public sealed record ReachEstimate(CustomerGroup Group, int PeriodDays, DateTimeOffset From, DateTimeOffset To, int Reach);

/// <summary>
/// Who is in a customer group: as the audience expression the campaign's flow tests per customer
/// when it starts, and as one SQL count for the estimate. Both read the same events over the same
/// window — (now − period, now], known customers only — so the estimate is the number who enter.
/// The group definitions match the weekly quota's formula (DESIGN.md §5.5).
/// </summary>
public static class CustomerGroups
{
    public static IReadOnlyList<int> PeriodDays { get; } = [7, 14, 30];

    /// <summary>The RulesEngine audience expression of the group over the last <paramref name="periodDays"/> days.</summary>
    public static string Audience(CustomerGroup group, int periodDays)
    {
        var window = Window(periodDays);
        return group switch
        {
            CustomerGroup.AddedToCart => $"customer.HasEvent(\"{EventTypes.CartAdded}\", \"{window}\")",
            CustomerGroup.StoreFollowers => $"customer.HasEvent(\"{EventTypes.StoreFollowed}\", \"{window}\")",
            CustomerGroup.ViewedSeveralTimes => $"customer.CountEvents(\"{EventTypes.ProductViewed}\", \"{window}\") >= {Quota.SeveralViews}",
            CustomerGroup.ExistingCustomers => $"customer.HasEvent(\"{EventTypes.OrderPlaced}\", \"{window}\")",
            _ => throw new ArgumentOutOfRangeException(nameof(group), group, "Unknown customer group."),
        };
    }

    /// <summary>The period as an ISO-8601 duration (P7D).</summary>
    public static string Window(int periodDays) => string.Create(CultureInfo.InvariantCulture, $"P{periodDays}D");

    /// <summary>Reads "P7D" or "7"; null unless it is one of <see cref="PeriodDays"/>.</summary>
    public static int? ParsePeriod(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var digits = text.Trim().ToUpperInvariant();
        if (digits.StartsWith('P') && digits.EndsWith('D'))
            digits = digits[1..^1];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && PeriodDays.Contains(days) ? days : null;
    }

    public static async Task<ReachEstimate> EstimateAsync(FlowDbContext db, CustomerGroup group, int periodDays, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var from = now.AddDays(-periodDays);
        return new ReachEstimate(group, periodDays, from, now, await MembersQuery(db, group, from, now).CountAsync(cancellationToken));
    }

    /// <summary>The ids of the group's members over (from, to], as one SQL query.</summary>
    internal static IQueryable<string> MembersQuery(FlowDbContext db, CustomerGroup group, DateTimeOffset from, DateTimeOffset to)
    {
        var type = group switch
        {
            CustomerGroup.AddedToCart => EventTypes.CartAdded,
            CustomerGroup.StoreFollowers => EventTypes.StoreFollowed,
            CustomerGroup.ViewedSeveralTimes => EventTypes.ProductViewed,
            CustomerGroup.ExistingCustomers => EventTypes.OrderPlaced,
            _ => throw new ArgumentOutOfRangeException(nameof(group), group, "Unknown customer group."),
        };
        var known = db.Customers.AsNoTracking().Where(c => !c.IsAnonymous).Select(c => c.Id);
        var events = db.Events.AsNoTracking().Where(e => e.Type == type && e.OccurredAt > from && e.OccurredAt <= to && known.Contains(e.CustomerId));
        return group == CustomerGroup.ViewedSeveralTimes
            ? events.GroupBy(e => e.CustomerId).Where(g => g.Count() >= Quota.SeveralViews).Select(g => g.Key)
            : events.Select(e => e.CustomerId).Distinct();
    }
}
