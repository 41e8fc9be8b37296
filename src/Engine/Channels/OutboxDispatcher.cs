using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>
/// Delivers the outbox: due messages of flows that are not paused go through their channel
/// adapter; each outcome is recorded on the row. Transient failures are retried with growing
/// back-off; a message whose moment passed more than the late-send window ago (a flow was paused)
/// is skipped with that reason instead of sent late.
/// </summary>
public sealed class OutboxDispatcher(IDbContextFactory<FlowDbContext> databases, ChannelRouter router, TimeProvider time)
{
    public const int MaxAttempts = 5;

    /// <summary>Where batches read settings and pauses; the engine's, when both run over one store.</summary>
    public StoreControl Control { get; init; } = new();

    /// <summary>
    /// A replay's dispatcher: its virtual clock can deliver every message at the very moment it fell
    /// due, so one dispatch after a stretch of replayed time delivers each at its own due time (never
    /// "late") instead of the replay stopping for every message.
    /// </summary>
    internal bool DeliversOnTime { get; init; }

    public Task<int> DispatchAsync(int batchSize = 200, CancellationToken cancellationToken = default) =>
        DispatchAsync(batchSize, dueBefore: null, cancellationToken);

    /// <summary>As <see cref="DispatchAsync(int, CancellationToken)"/>, for messages due before <paramref name="dueBefore"/> only (a replay's next event comes first).</summary>
    internal async Task<int> DispatchAsync(int batchSize, DateTimeOffset? dueBefore, CancellationToken cancellationToken)
    {
        var done = 0;
        while (true)
        {
            var count = await DispatchBatchAsync(batchSize, dueBefore, cancellationToken);
            done += count;
            if (count < batchSize)
                return done;
        }
    }

    /// <summary>The earliest due time of a pending message of a flow that may act; null when none.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await NextDueAsync(db, cancellationToken);
    }

    /// <summary>As <see cref="NextDueAsync(CancellationToken)"/>, on a context the caller holds.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var held = await Control.HeldFlowIdsAsync(db, cancellationToken);
        return await db.Messages.Where(m => m.Status == MessageStatus.Pending && !held.Contains(m.FlowId)).MinAsync(m => (DateTimeOffset?)m.DueAt, cancellationToken);
    }

    private async Task<int> DispatchBatchAsync(int batchSize, DateTimeOffset? dueBefore, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await Control.IsGloballyPausedAsync(db, cancellationToken))
            return 0;

        var clock = time.GetUtcNow();
        var held = await Control.HeldFlowIdsAsync(db, cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var due = new List<MessageRecord>();
        var upTo = dueBefore is { } before && before <= clock ? before.AddTicks(-1) : clock;
        await foreach (var message in DueMessages(db, upTo, [.. held], batchSize).WithCancellation(cancellationToken))
            due.Add(message);
        if (due.Count == 0)
            return 0;

        // A replay has no crash to survive and delivers to a recorder: its batch is one transaction.
        await using var replay = DeliversOnTime ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var settings = await Control.SettingsAsync(db, cancellationToken);
        var lateWindow = settings.Guardrails.LateSendPeriod();
        var contacts = new Dictionary<string, (string? Email, string? Phone)>();
        await foreach (var contact in Contacts(db, [.. due.Select(m => m.CustomerId).Distinct()]).WithCancellation(cancellationToken))
            contacts[contact.Id] = (contact.Email, contact.Phone);

        foreach (var message in due)
        {
            await DeliverAsync(message, contacts.GetValueOrDefault(message.CustomerId), DeliversOnTime ? message.DueAt : clock, lateWindow, cancellationToken);

            // One commit per message: a crash repeats at most the delivery in flight, which the
            // adapter's idempotency key lets the gateway recognise. Only this message changed, so
            // only it is compared with its snapshot: comparing the whole batch before each commit
            // made a batch quadratic.
            db.Entry(message).DetectChanges();
            if (replay is null)
                await BulkWriter.SaveDetectedAsync(db, cancellationToken);
        }

        await BulkWriter.SaveChangesAsync(db, cancellationToken);
        if (replay is not null)
            await replay.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>
    /// A replay's message delivered the moment it falls due, by the batch that wrote it (not yet
    /// stored), before the batch goes on to a later event; as <see cref="DeliversOnTime"/> would.
    /// </summary>
    internal Task DeliverOnTimeAsync(MessageRecord message, string? email, string? phone, StoreSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settings);
        var lateWindow = settings.Guardrails.LateSendPeriod();
        return DeliverAsync(message, (email, phone), message.DueAt, lateWindow, cancellationToken);
    }

    /// <summary>One delivery attempt at <paramref name="now"/>, its outcome recorded on the message.</summary>
    private async Task DeliverAsync(MessageRecord message, (string? Email, string? Phone) contact, DateTimeOffset now, NodaTime.Period lateWindow, CancellationToken cancellationToken)
    {
        if (LocalClock.Add(message.DueAt, lateWindow, NodaTime.DateTimeZone.Utc) < now)
        {
            Close(message, MessageStatus.Skipped, "late: its moment passed while it could not be sent", now);
            return;
        }

        var adapter = router.For(message);
        if (adapter is null)
        {
            Close(message, MessageStatus.Failed, $"no channel adapter for {message.Channel}", now);
            return;
        }

        message.Attempts++;
        DeliveryResult result;
        try
        {
            result = await adapter.DeliverAsync(new Delivery(message, contact.Email, contact.Phone), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
        {
            result = new DeliveryResult(DeliveryOutcome.Retry, ex.Message);
        }

        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                Close(message, MessageStatus.Sent, null, now);
                break;
            case DeliveryOutcome.Retry when message.Attempts < MaxAttempts:
                message.DueAt = now.AddSeconds(30 * Math.Pow(2, message.Attempts - 1));
                message.Reason = result.Detail;
                break;
            default:
                Close(message, MessageStatus.Failed, result.Detail ?? "delivery failed", now);
                break;
        }
    }

    // Compiled once: a replay dispatches tens of thousands of times, most for a message or two, and
    // EF's per-call work on the query's expression tree cost more than running it.
    private static readonly Func<FlowDbContext, DateTimeOffset, string[], int, IAsyncEnumerable<MessageRecord>> DueMessages =
        EF.CompileAsyncQuery((FlowDbContext db, DateTimeOffset now, string[] held, int batchSize) => db.Messages
            .Where(m => m.Status == MessageStatus.Pending && m.DueAt <= now && !held.Contains(m.FlowId))
            .OrderBy(m => m.DueAt).ThenBy(m => m.Id)
            .Take(batchSize));

    private static readonly Func<FlowDbContext, string[], IAsyncEnumerable<Contact>> Contacts =
        EF.CompileAsyncQuery((FlowDbContext db, string[] ids) => db.Customers.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Select(c => new Contact(c.Id, c.Email, c.Phone)));

    private sealed record Contact(string Id, string? Email, string? Phone);

    private static void Close(MessageRecord message, MessageStatus status, string? reason, DateTimeOffset now)
    {
        message.Status = status;
        message.Reason = reason;
        message.DoneAt = now;
    }
}
