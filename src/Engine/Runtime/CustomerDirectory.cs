using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>One thing that happened to a customer: an event, a step of a run, or a message.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string What, string? FlowId, string? NodeId);

/// <summary>A customer as support and marketers look at one: profile, facts, recent runs with their paths, messages and a timeline.</summary>
public sealed record CustomerDetail(
    CustomerRecord Customer, CustomerInput Facts, IReadOnlyList<RunRecord> Runs, ILookup<Guid, StepRecord> Steps,
    IReadOnlyList<MessageRecord> Messages, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>A row of a customer search.</summary>
public sealed record CustomerHit(string Id, string? Email, DateTimeOffset? LastSeenAt, int OrderCount, string? Segment);

/// <summary>Reads customers for the API and the designer (the newest 100 runs, messages and events of each).</summary>
public static class CustomerDirectory
{
    private const int Recent = 100;

    public static async Task<IReadOnlyList<CustomerHit>> SearchAsync(FlowDbContext db, string? text, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = text.Trim();
            query = query.Where(c => c.Id.Contains(term) || (c.Email != null && c.Email.Contains(term)) || (c.Phone != null && c.Phone.Contains(term)));
        }

        return await query.OrderByDescending(c => c.LastSeenAt).Take(limit)
            .Select(c => new CustomerHit(c.Id, c.Email, c.LastSeenAt, c.OrderCount, c.RfmSegment))
            .ToListAsync(cancellationToken);
    }

    public static async Task<CustomerDetail?> DetailAsync(FlowDbContext db, string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
            return null;

        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        var facts = CustomerProfile.ToInput(customer, now, counter: null, settings.Guardrails.StoreTimeZone, settings.Guardrails.RequireOptIn);
        var runs = await db.Runs.AsNoTracking().Where(r => r.CustomerId == id).OrderByDescending(r => r.EnteredAt).Take(Recent).ToListAsync(cancellationToken);
        var steps = runs.SelectMany(StepLog.Read).ToList();
        var messages = await db.Messages.AsNoTracking().Where(m => m.CustomerId == id).OrderByDescending(m => m.CreatedAt).Take(Recent).ToListAsync(cancellationToken);
        var events = await db.Events.AsNoTracking().Where(e => e.CustomerId == id).OrderByDescending(e => e.OccurredAt).Take(Recent).ToListAsync(cancellationToken);

        var timeline = events.Select(e => new TimelineEntry(e.OccurredAt, "event", e.Type, null, null))
            .Concat(steps.Select(s => new TimelineEntry(s.At, "step", $"{s.Outcome.ToString().ToLowerInvariant()}{(s.Port is null ? "" : $" ({s.Port})")}", s.FlowId, s.NodeId)))
            .Concat(messages.Select(m => new TimelineEntry(m.DoneAt ?? m.DueAt, "message", $"{m.Channel.ToString().ToLowerInvariant()} {m.Status.ToString().ToLowerInvariant()}", m.FlowId, m.NodeId)))
            .OrderByDescending(t => t.At)
            .ToList();
        return new CustomerDetail(customer, facts, runs, steps.ToLookup(s => s.RunId), messages, timeline);
    }
}
