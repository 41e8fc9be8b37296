using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>How many known customers an audience expression picks now; scaled up from a sample when the base is large.</summary>
public sealed record AudienceCount(int Estimate, int Matching, int Examined, int Total, string? Problem)
{
    public bool Sampled => Examined < Total;
}

/// <summary>
/// The designer's "who would enter" for a schedule trigger: the expression is compiled as the engine
/// compiles it and run against the most recently seen customers with their real facts and event counts.
/// </summary>
public static class AudienceEstimate
{
    public static async Task<AudienceCount> CountAsync(FlowDbContext db, string expression, DateTimeOffset now, int sample = 2000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ExpressionChecker.Shared.Check(expression) is { } diagnostic)
            return new AudienceCount(0, 0, 0, 0, diagnostic.Message);
        var compiled = CompiledExpression.Compile<bool>(expression);
        var settings = await EngineState.SettingsAsync(db, cancellationToken);
        var known = db.Customers.AsNoTracking().Where(c => !c.IsAnonymous);
        var total = await known.CountAsync(cancellationToken);
        var customers = await known.OrderByDescending(c => c.LastSeenAt).Take(sample).ToListAsync(cancellationToken);

        var matching = 0;
        foreach (var customer in customers)
        {
            var input = CustomerProfile.ToInput(customer, now, new EventCounter(db, customer.Id, now), settings.Guardrails.StoreTimeZone, settings.Guardrails.RequireOptIn);
            try
            {
                if (compiled.Evaluate(new ExpressionScope(input, EventInput.None, RunInput.None)))
                    matching++;
            }
            catch (ExpressionFailedException ex)
            {
                return new AudienceCount(0, matching, customers.Count, total, $"For customer '{customer.Id}': {ex.Message}");
            }
        }

        var estimate = customers.Count == 0 ? 0 : (int)Math.Round((double)matching * total / customers.Count);
        return new AudienceCount(estimate, matching, customers.Count, total, null);
    }

    /// <summary>One customer's stored events of a type within a window ending now.</summary>
    private sealed class EventCounter(FlowDbContext db, string customerId, DateTimeOffset now) : IEventCounter
    {
        public int Count(string type, Period window)
        {
            var from = LocalClock.Subtract(now, window, DateTimeZone.Utc);
            return db.Events.AsNoTracking().Count(e => e.CustomerId == customerId && e.Type == type && e.OccurredAt > from && e.OccurredAt <= now);
        }
    }
}
