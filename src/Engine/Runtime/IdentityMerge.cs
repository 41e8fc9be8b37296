using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// <c>identify</c>: links an anonymous id to a customer. The anonymous profile's history becomes the
/// customer's — events, runs, messages, coupons, orders, entries, and the facts, tags and attributes
/// the customer lacks — and the anonymous profile is removed, so the customer exists once.
/// </summary>
internal static class IdentityMerge
{
    public static string AnonymousProfileId(string anonymousId) => $"anon:{anonymousId}";

    public static async Task LinkAsync(EngineSession session, string anonymousId, string customerId, CancellationToken cancellationToken)
    {
        var db = session.Db;

        // The merge rewrites rows in place: write what the batch holds first, and start clean after.
        await session.SaveAsync(cancellationToken);
        db.ChangeTracker.Clear();
        session.Reset();

        var link = await db.IdentityLinks.FindAsync([anonymousId], cancellationToken);
        if (link is null)
            db.IdentityLinks.Add(new IdentityLinkRecord { AnonymousId = anonymousId, CustomerId = customerId });
        else
            link.CustomerId = customerId;

        var fromId = AnonymousProfileId(anonymousId);
        var anonymous = await db.Customers.FindAsync([fromId], cancellationToken);
        if (anonymous is not null)
        {
            await db.Events.Where(e => e.CustomerId == fromId).ExecuteUpdateAsync(u => u.SetProperty(e => e.CustomerId, customerId), cancellationToken);
            await db.Runs.Where(r => r.CustomerId == fromId).ExecuteUpdateAsync(u => u.SetProperty(r => r.CustomerId, customerId), cancellationToken);
            await db.Messages.Where(m => m.CustomerId == fromId).ExecuteUpdateAsync(u => u.SetProperty(m => m.CustomerId, customerId), cancellationToken);
            await db.CouponIssues.Where(c => c.CustomerId == fromId).ExecuteUpdateAsync(u => u.SetProperty(c => c.CustomerId, customerId), cancellationToken);

            var customer = await db.Customers.FindAsync([customerId], cancellationToken);
            if (customer is null)
            {
                customer = new CustomerRecord { Id = customerId };
                db.Customers.Add(customer);
            }

            var orders = await db.CustomerOrders.Where(o => o.CustomerId == customerId).Select(o => o.OrderId).ToListAsync(cancellationToken);
            var known = orders.ToHashSet(StringComparer.Ordinal);
            foreach (var order in await db.CustomerOrders.Where(o => o.CustomerId == fromId).ToListAsync(cancellationToken))
            {
                db.CustomerOrders.Remove(order);
                if (known.Add(order.OrderId))
                    db.CustomerOrders.Add(new CustomerOrderRecord { CustomerId = customerId, OrderId = order.OrderId });
            }

            MergeFacts(customer, anonymous);
            db.Customers.Remove(anonymous);
        }

        await session.SaveAsync(cancellationToken);
        db.ChangeTracker.Clear();
        session.Reset();
    }

    private static void MergeFacts(CustomerRecord into, CustomerRecord from)
    {
        into.OrderCount += from.OrderCount;
        into.TotalSpent += from.TotalSpent;
        into.CartValue += from.CartValue;
        into.Points += from.Points;
        into.LastOrderAt = Max(into.LastOrderAt, from.LastOrderAt);
        into.LastSeenAt = Max(into.LastSeenAt, from.LastSeenAt);
        into.FirstSeenAt = into.FirstSeenAt is { } a && from.FirstSeenAt is { } b ? (a < b ? a : b) : into.FirstSeenAt ?? from.FirstSeenAt;
        into.Email ??= from.Email;
        into.Phone ??= from.Phone;
        into.TimeZone ??= from.TimeZone;

        var attributes = CustomerProfile.Attributes(into);
        foreach (var (key, value) in CustomerProfile.Attributes(from))
            attributes.TryAdd(key, value);
        CustomerProfile.SetAttributes(into, attributes);
        CustomerProfile.SetTags(into, CustomerProfile.Tags(into).Concat(CustomerProfile.Tags(from)));
        var entries = CustomerEntries.Parse(into);
        entries.Merge(CustomerEntries.Parse(from));
        entries.WriteInto(into);
        into.IsAnonymous = false;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
