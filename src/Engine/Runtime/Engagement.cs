using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>What customers do with what was sent to them: reading messages, redeeming codes.</summary>
internal static class Engagement
{
    /// <summary><c>message.read</c> marks the customer's sent messages read: one (messageId), one channel's, or all.</summary>
    public static async Task MarkReadAsync(FlowDbContext db, string customerId, JsonObject? properties, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var query = db.Messages.Where(m => m.CustomerId == customerId && m.Status == MessageStatus.Sent && m.ReadAt == null);
        if (CustomerProfile.Text(properties, "messageId") is { } id && long.TryParse(id, out var messageId))
            query = query.Where(m => m.Id == messageId);
        if (CustomerProfile.Text(properties, "channel") is { } channel && Enum.TryParse<Model.Channel>(channel, ignoreCase: true, out var parsed))
            query = query.Where(m => m.Channel == parsed);
        foreach (var message in await query.ToListAsync(cancellationToken))
            message.ReadAt = at;
    }

    /// <summary>A code used in an order or redeemed: the issue to this customer (else any issue of a shared code) is marked redeemed.</summary>
    public static async Task MarkRedeemedAsync(FlowDbContext db, string customerId, string code, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var issue = await db.CouponIssues
            .Where(c => c.Code == code && c.RedeemedAt == null)
            .OrderBy(c => c.CustomerId == customerId ? 0 : 1).ThenBy(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (issue is not null && (issue.UniqueCode is null ? issue.CustomerId == customerId : true))
            issue.RedeemedAt = at;
    }
}
