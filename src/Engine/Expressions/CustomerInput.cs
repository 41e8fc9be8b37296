using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Expressions;

/// <summary>
/// The <c>customer</c> input of flow expressions: profile attributes and facts maintained
/// incrementally as events arrive. Expressions read it; they never change it.
/// Property names are the public expression vocabulary (DESIGN.md §3): renaming one breaks flows.
/// </summary>
public sealed class CustomerInput
{
    private readonly IEventCounter counter;

    public CustomerInput(IEventCounter? counter = null) => this.counter = counter ?? NoEvents.Instance;

    public string Id { get; init; } = "";

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? FirstName { get; init; }

    /// <summary>Whole days (rounded down) since the last <c>order.placed</c>; null when there is none.</summary>
    public int? DaysSinceLastOrder { get; init; }

    /// <summary>Whole days (rounded down) since the customer's last event of any type; null when none.</summary>
    public int? DaysSinceLastSeen { get; init; }

    /// <summary>Number of <c>order.placed</c> events with distinct <c>orderId</c>.</summary>
    public int OrderCount { get; init; }

    /// <summary>Sum of the <c>total</c> of all orders.</summary>
    public decimal TotalSpent { get; init; }

    /// <summary><see cref="TotalSpent"/> / <see cref="OrderCount"/>, 0 with no orders.</summary>
    public decimal AverageOrderValue { get; init; }

    /// <summary>Value of what is in the cart now: added minus removed since the last order.</summary>
    public decimal CartValue { get; init; }

    public DateTimeOffset? LastOrderAt { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public ValueBag Attributes { get; init; } = ValueBag.Empty;

    public RfmScore Rfm { get; init; } = RfmScore.Unscored;

    public string? Tier { get; init; }

    public int Points { get; init; }

    public ConsentInput Consent { get; init; } = new();

    /// <summary>IANA time-zone id of the customer; the store's zone when unknown.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Events of <paramref name="type"/> within the ISO-8601 <paramref name="window"/> before now.</summary>
    public int CountEvents(string type, string window) => counter.Count(type, Durations.ParseForExpression(window));

    /// <summary>Whether an event of <paramref name="type"/> happened within the ISO-8601 <paramref name="window"/>.</summary>
    public bool HasEvent(string type, string window) => CountEvents(type, window) > 0;

    private sealed class NoEvents : IEventCounter
    {
        public static readonly NoEvents Instance = new();

        public int Count(string type, NodaTime.Period window) => 0;
    }
}

/// <summary>Counts a customer's events by type within a window ending now (the engine's clock).</summary>
public interface IEventCounter
{
    int Count(string type, NodaTime.Period window);
}

/// <summary>Recency, frequency and monetary scores (1–5 by quintiles of the customer base) and the segment name.</summary>
public sealed record RfmScore(int R, int F, int M, string Segment)
{
    public static RfmScore Unscored { get; } = new(0, 0, 0, "Unscored");
}

/// <summary>Marketing consent per channel; true unless the customer opted out (or opt-in is required and missing).</summary>
public sealed record ConsentInput
{
    public bool Chat { get; init; } = true;

    public bool Email { get; init; } = true;

    public bool Sms { get; init; } = true;

    public bool Push { get; init; } = true;

    public bool Whatsapp { get; init; } = true;
}
