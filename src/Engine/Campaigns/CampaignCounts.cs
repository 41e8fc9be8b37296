using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Campaigns;

/// <summary>
/// A campaign's row figures. <see cref="Sent"/>: messages that passed the guardrails and are queued
/// or were handed to a channel (not those dropped when it was finished); <see cref="Delivered"/>: those the channel accepted; <see cref="Read"/>: those read
/// (by <c>message.read</c> or the automatic read); <see cref="Suppressed"/>: stopped by a guardrail,
/// by reason; <see cref="CouponOrders"/>: its coupon codes used in an order (or redeemed).
/// </summary>
public sealed record CampaignCounts(int Sent, int Delivered, int Read, IReadOnlyDictionary<string, int> Suppressed, int CouponsIssued, int CouponOrders)
{
    public static CampaignCounts None { get; } = new(0, 0, 0, new Dictionary<string, int>(), 0, 0);

    /// <summary>The figures of every campaign flow asked for, by flow id, in a few grouped queries.</summary>
    public static async Task<IReadOnlyDictionary<string, CampaignCounts>> ForFlowsAsync(FlowDbContext db, IReadOnlyCollection<string> flowIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (flowIds.Count == 0)
            return new Dictionary<string, CampaignCounts>();

        var messages = await db.Messages.AsNoTracking()
            .Where(m => flowIds.Contains(m.FlowId) && m.Kind == OutboxKind.Message)
            .GroupBy(m => new { m.FlowId, m.Status, m.Reason, Read = m.ReadAt != null })
            .Select(g => new { g.Key.FlowId, g.Key.Status, g.Key.Reason, g.Key.Read, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var coupons = await db.CouponIssues.AsNoTracking()
            .Where(c => c.FlowId != null && flowIds.Contains(c.FlowId))
            .GroupBy(c => c.FlowId!)
            .Select(g => new { FlowId = g.Key, Issued = g.Count(), Redeemed = g.Count(c => c.RedeemedAt != null) })
            .ToListAsync(cancellationToken);

        return flowIds.ToDictionary(id => id, id =>
        {
            var rows = messages.Where(m => m.FlowId == id).ToList();
            var coupon = coupons.FirstOrDefault(c => c.FlowId == id);
            return new CampaignCounts(
                Sent: rows.Where(m => m.Status is MessageStatus.Pending or MessageStatus.Sent or MessageStatus.Failed).Sum(m => m.Count),
                Delivered: rows.Where(m => m.Status == MessageStatus.Sent).Sum(m => m.Count),
                Read: rows.Where(m => m.Read).Sum(m => m.Count),
                Suppressed: rows.Where(m => m.Status == MessageStatus.Suppressed)
                    .GroupBy(m => m.Reason ?? "unknown")
                    .ToDictionary(g => g.Key, g => g.Sum(m => m.Count)),
                CouponsIssued: coupon?.Issued ?? 0,
                CouponOrders: coupon?.Redeemed ?? 0);
        });
    }
}
