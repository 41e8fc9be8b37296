using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>What customers do with what was sent to them: reading messages, redeeming codes.</summary>
internal static class Engagement
{
    /// <summary>
    /// <c>message.read</c> marks the customer's sent messages read: one (messageId), one channel's, or
    /// all; those stored, and those this batch delivered and has not written yet (a replay's).
    /// </summary>
    public static async Task MarkReadAsync(EngineSession session, string customerId, JsonObject? properties, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var query = session.Db.Messages.Where(m => m.CustomerId == customerId && m.Status == MessageStatus.Sent && m.ReadAt == null);
        long? messageId = CustomerProfile.Text(properties, "messageId") is { } id && long.TryParse(id, out var parsedId) ? parsedId : null;
        Model.Channel? channel = CustomerProfile.Text(properties, "channel") is { } name && Enum.TryParse<Model.Channel>(name, ignoreCase: true, out var parsedChannel) ? parsedChannel : null;
        if (messageId is { } oneId)
            query = query.Where(m => m.Id == oneId);
        if (channel is { } oneChannel)
            query = query.Where(m => m.Channel == oneChannel);
        foreach (var message in await query.ToListAsync(cancellationToken))
            message.ReadAt = at;
        foreach (var message in session.UnsavedMessagesOf(customerId))
        {
            if (message.Status == MessageStatus.Sent && message.ReadAt is null && (messageId is null || message.Id == messageId) && (channel is null || message.Channel == channel))
                message.ReadAt = at;
        }
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
