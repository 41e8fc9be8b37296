namespace ReEngage.Flows.Engine.Expressions;

/// <summary>The <c>event</c> input of flow expressions: the triggering or awaited event.</summary>
public sealed class EventInput
{
    public static EventInput None { get; } = new();

    public string Type { get; init; } = "";

    public string? EventId { get; init; }

    public string? CustomerId { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public ValueBag Properties { get; init; } = ValueBag.Empty;
}

/// <summary>The <c>run</c> input of flow expressions: the customer's journey through this flow.</summary>
public sealed class RunInput
{
    public static RunInput None { get; } = new();

    public string FlowId { get; init; } = "";

    public int FlowVersion { get; init; }

    public DateTimeOffset EnteredAt { get; init; }

    /// <summary>Whole days since the run entered the flow.</summary>
    public int DaysSinceEntered { get; init; }

    /// <summary>Number of messages this run has sent so far.</summary>
    public int MessagesSent { get; init; }

    /// <summary>Label of the random-split branch the run took, if any.</summary>
    public string? Branch { get; init; }
}
