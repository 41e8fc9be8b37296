using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Guardrails;

/// <summary>
/// The guardrails' answer for one send: stop it (and why), hold it until <see cref="HeldUntil"/> (or a
/// read, under <c>unreadCapAction: wait</c>), or send it at <see cref="DueAt"/>.
/// </summary>
internal sealed record GuardDecision(string? SuppressedBecause, DateTimeOffset DueAt, DateTimeOffset? HeldUntil = null);

/// <summary>
/// The guardrails of DESIGN.md §5, checked when a flow sends, in this order: consent and
/// unsubscribes, bounced addresses, the unread-chat cap, the frequency cap across flows, the
/// sender's weekly quota; then quiet hours move the send to the end of the window. Global settings,
/// with the flow's own <c>quietHours</c> and <c>caps</c> taking precedence.
/// </summary>
internal static class SendGuard
{
    public const string Consent = "consent";
    public const string Bounced = "bounced";
    public const string UnreadCap = "unread-cap";
    public const string FrequencyCap = "frequency-cap";
    public const string WeeklyQuota = "weekly-quota";

    public static async Task<GuardDecision> CheckAsync(EngineSession session, FlowProgram program, CustomerRecord customer, Channel channel, CancellationToken cancellationToken)
    {
        var now = session.Now;
        var guardrails = session.Settings.Guardrails;
        var flow = program.Flow;
        var channelName = channel.ToString().ToLowerInvariant();

        var consent = CustomerProfile.Consent(customer);
        if (channel != Channel.Webhook)
        {
            if (consent.TryGetValue(channelName, out var allowed) ? !allowed : guardrails.RequireOptIn)
                return new GuardDecision(Consent, now);
            if (consent.TryGetValue($"{Bounced}:{channelName}", out var bounced) && bounced)
                return new GuardDecision(Bounced, now);
        }

        if (channel == Channel.Chat)
        {
            var cap = flow.Caps?.UnreadChatCap ?? guardrails.UnreadChatCap;
            var readAfter = Durations.TryParse(guardrails.AutoReadAfter, out var period) ? period : Period.FromDays(5);
            var since = LocalClock.Add(now, Period.Zero - readAfter, DateTimeZone.Utc);
            var unread = await MatchingAsync(session, customer.Id, m => m.Channel == Channel.Chat && m.ReadAt == null && m.DueAt > since && m.DueAt <= now, cancellationToken);
            if (unread.Count >= cap)
            {
                // Waiting needs something to wait for: with a cap of 0 no read can ever make room, so the chat is skipped.
                if ((flow.Caps?.UnreadCapAction ?? guardrails.UnreadCapAction) == UnreadCapAction.Wait && unread.Count > 0)
                    return new GuardDecision(null, now, LocalClock.Add(unread.Min(m => m.DueAt), readAfter, DateTimeZone.Utc));
                return new GuardDecision(UnreadCap, now);
            }
        }

        if ((flow.Caps?.FrequencyCap ?? guardrails.FrequencyCap) is { } frequency && Durations.TryParse(frequency.Window, out var window))
        {
            var since = LocalClock.Add(now, Period.Zero - window, DateTimeZone.Utc);
            if ((await MatchingAsync(session, customer.Id, m => m.DueAt > since && m.DueAt <= now, cancellationToken)).Count >= frequency.Max)
                return new GuardDecision(FrequencyCap, now);
        }

        // The quota is read once per batch (and per week); the batch's own sends are counted as it goes.
        if (session.Quota is not { } quota || quota.WeekStart != session.WeekOf(now))
        {
            if (!Quota.IsKnown(session.Db, session.Settings, now))
                await session.WriteEventsAsync(cancellationToken);   // last week's audience is counted in SQL: write this batch's events first
            session.Quota = quota = await Quota.CurrentAsync(session.Db, session.Settings, now, cancellationToken);
            session.QuotaWrittenAtRead = session.WrittenFor(quota.WeekStart);
        }

        // The week's stored sends as read, plus this session's own for the week that the read could not see.
        var due = (flow.QuietHours ?? guardrails.QuietHours) is { } quiet ? QuietHours.Defer(now, quiet, session.ZoneOf(customer)) : now;
        var week = session.WeekOf(due);
        var used = week == quota.WeekStart
            ? quota.Used + session.SendsFor(week) - session.QuotaWrittenAtRead
            : await Quota.UsedAsync(session.Db, session.Settings, week, cancellationToken) + session.SendsFor(week) - session.WrittenFor(week);
        if (used >= quota.Limit)
            return new GuardDecision(WeeklyQuota, now);

        return new GuardDecision(null, due);
    }

    /// <summary>
    /// The customer's marketing messages that went or will go out (sent or pending): those stored,
    /// seen as this batch has changed them (a read earlier in the batch counts), plus this batch's new ones.
    /// </summary>
    private static async Task<List<MessageRecord>> MatchingAsync(EngineSession session, string customerId, System.Linq.Expressions.Expression<Func<MessageRecord, bool>> where, CancellationToken cancellationToken)
    {
        var test = where.Compile();
        var unsaved = session.UnsavedMessagesOf(customerId).Where(m => IsCounted(m) && test(m));
        var stored = await session.Db.Messages
            .Where(m => m.CustomerId == customerId && m.Kind == OutboxKind.Message && m.Channel != Channel.Webhook
                        && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Pending))
            .Where(where)
            .ToListAsync(cancellationToken);
        return [.. unsaved, .. stored.Where(m => IsCounted(m) && test(m))];
    }

    private static bool IsCounted(MessageRecord m) =>
        m.Kind == OutboxKind.Message && m.Channel != Channel.Webhook && m.Status is MessageStatus.Sent or MessageStatus.Pending;
}

/// <summary>Quiet hours in the customer's zone: a send inside the window moves to its end (DST-safe).</summary>
public static class QuietHours
{
    public static DateTimeOffset Defer(DateTimeOffset at, Model.QuietHours window, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!TimesOfDay.TryParse(window.From, out var from) || !TimesOfDay.TryParse(window.To, out var to) || from == to)
            return at;

        var local = Instant.FromDateTimeOffset(at).InZone(zone).LocalDateTime;
        var time = local.TimeOfDay;
        var inside = from < to ? time >= from && time < to : time >= from || time < to;
        if (!inside)
            return at;

        var endDate = from < to || time < to ? local.Date : local.Date.PlusDays(1);
        return LocalClock.At(endDate, to, zone);
    }
}
