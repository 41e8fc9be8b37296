using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// <c>identify</c>: links an anonymous id to a customer. The anonymous profile's history becomes the
/// customer's — events, runs, messages, orders, tags, attributes the customer lacks — and the
/// anonymous profile is removed, so the customer exists once.
/// </summary>
internal static class IdentityMerge
{
    public static string AnonymousProfileId(string anonymousId) => $"anon:{anonymousId}";

    public static async Task LinkAsync(EngineSession session, string anonymousId, string customerId, CancellationToken cancellationToken)
    {
        var db = session.Db;
        var link = await db.IdentityLinks.FindAsync([anonymousId], cancellationToken);
        if (link is null)
            db.IdentityLinks.Add(new IdentityLinkRecord { AnonymousId = anonymousId, CustomerId = customerId });
        else if (link.CustomerId == customerId)
            return;
        else
            link.CustomerId = customerId;

        var anonymousProfileId = AnonymousProfileId(anonymousId);
        var anonymous = await db.Customers.FindAsync([anonymousProfileId], cancellationToken);
        if (anonymous is null)
            return;

        await db.SaveChangesAsync(cancellationToken);
        await db.Events.Where(e => e.CustomerId == anonymousProfileId).ExecuteUpdateAsync(u => u.SetProperty(e => e.CustomerId, customerId), cancellationToken);
        await db.Runs.Where(r => r.CustomerId == anonymousProfileId).ExecuteUpdateAsync(u => u.SetProperty(r => r.CustomerId, customerId), cancellationToken);
        await db.Messages.Where(m => m.CustomerId == anonymousProfileId).ExecuteUpdateAsync(u => u.SetProperty(m => m.CustomerId, customerId), cancellationToken);
        await db.CouponIssues.Where(c => c.CustomerId == anonymousProfileId).ExecuteUpdateAsync(u => u.SetProperty(c => c.CustomerId, customerId), cancellationToken);

        var customer = await session.CustomerAsync(customerId, cancellationToken);
        var known = (await db.CustomerOrders.Where(o => o.CustomerId == customerId).Select(o => o.OrderId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var order in await db.CustomerOrders.Where(o => o.CustomerId == anonymousProfileId).ToListAsync(cancellationToken))
        {
            db.CustomerOrders.Remove(order);
            if (known.Add(order.OrderId))
                db.CustomerOrders.Add(new CustomerOrderRecord { CustomerId = customerId, OrderId = order.OrderId });
        }

        MergeFacts(customer, anonymous);
        db.Customers.Remove(anonymous);
        session.Forget(anonymousProfileId);

        foreach (var entry in await db.Entries.Where(e => e.CustomerId == anonymousProfileId).ToListAsync(cancellationToken))
        {
            db.Entries.Remove(entry);
            var existing = await db.Entries.FindAsync([entry.FlowId, customerId], cancellationToken);
            if (existing is null)
                db.Entries.Add(new EntryRecord { FlowId = entry.FlowId, CustomerId = customerId, LastEnteredAt = entry.LastEnteredAt, Entries = entry.Entries });
            else
            {
                existing.Entries += entry.Entries;
                existing.LastEnteredAt = existing.LastEnteredAt > entry.LastEnteredAt ? existing.LastEnteredAt : entry.LastEnteredAt;
            }
        }
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
        into.IsAnonymous = false;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
