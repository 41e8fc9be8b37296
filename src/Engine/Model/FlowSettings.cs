using System.ComponentModel;

namespace ReEngage.Flows.Engine.Model;

/// <summary>Who may enter a flow again after a first run.</summary>
public enum Reentry
{
    /// <summary>A customer enters the flow at most once, ever.</summary>
    Never,

    /// <summary>Every trigger starts a run, even while another run is active.</summary>
    Always,

    /// <summary>A customer may enter again once the cooldown since the last entry has passed.</summary>
    After,
}

public sealed record EntrySettings
{
    [Description("never (default), always (a run per trigger event) or after (+ cooldown).")]
    public Reentry? Reentry { get; init; }

    [Description("ISO-8601 duration between two entries of one customer, with reentry: after (e.g. P7D).")]
    public string? Cooldown { get; init; }
}

/// <summary>An event, optionally narrowed by an expression over customer and event.</summary>
public sealed record EventMatch
{
    [Description("Event type, e.g. order.placed.")]
    public required string Event { get; init; }

    [Description("Optional RulesEngine expression over customer, event and run that must be true.")]
    public string? Filter { get; init; }
}

public sealed record GoalSettings
{
    [Description("Event type that counts as a conversion, e.g. order.placed.")]
    public required string Event { get; init; }

    [Description("Optional RulesEngine expression that must be true for the event to count.")]
    public string? Filter { get; init; }

    [Description("ISO-8601 duration after entry within which the goal counts (e.g. P7D); default: while the run lasts.")]
    public string? Within { get; init; }
}

public sealed record QuietHours
{
    [Description("Start of the quiet window, HH:mm in the customer's time zone.")]
    public required string From { get; init; }

    [Description("End of the quiet window, HH:mm; sends are moved here.")]
    public required string To { get; init; }
}

public sealed record FlowCaps
{
    [Description("Unread engagement chat messages a customer may hold before this flow's chats are stopped.")]
    public int? UnreadChatCap { get; init; }

    [Description("skip or wait, for this flow's chats beyond the unread cap (overrides the global setting).")]
    public UnreadCapAction? UnreadCapAction { get; init; }

    [Description("At most max marketing messages per customer per rolling window.")]
    public FrequencyCap? FrequencyCap { get; init; }
}

public sealed record FrequencyCap
{
    public required int Max { get; init; }

    [Description("ISO-8601 duration of the rolling window, e.g. P1D or P7D.")]
    public required string Window { get; init; }
}
