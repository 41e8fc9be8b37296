using System.ComponentModel;
using System.Text.Json.Serialization;

namespace ReEngage.Flows.Engine.Model;

/// <summary>
/// A step of a flow. The JSON <c>type</c> property picks the record; the names are part of the
/// public file format and never change.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(TriggerNode), NodeTypes.Trigger)]
[JsonDerivedType(typeof(ConditionNode), NodeTypes.Condition)]
[JsonDerivedType(typeof(SplitNode), NodeTypes.Split)]
[JsonDerivedType(typeof(DelayNode), NodeTypes.Delay)]
[JsonDerivedType(typeof(WaitNode), NodeTypes.Wait)]
[JsonDerivedType(typeof(ActionNode), NodeTypes.Action)]
[JsonDerivedType(typeof(ExitNode), NodeTypes.Exit)]
public abstract record FlowNode
{
    [Description("Unique id of the node within the flow; edges and layout refer to it.")]
    public required string Id { get; init; }

    [Description("Optional caption shown on the canvas.")]
    public string? Label { get; init; }
}

/// <summary>The stable <c>type</c> names of the node records.</summary>
public static class NodeTypes
{
    public const string Trigger = "trigger";
    public const string Condition = "condition";
    public const string Split = "split";
    public const string Delay = "delay";
    public const string Wait = "wait";
    public const string Action = "action";
    public const string Exit = "exit";

    public static IReadOnlyList<string> All { get; } = [Trigger, Condition, Split, Delay, Wait, Action, Exit];
}

public enum TriggerKind
{
    /// <summary>A customer event starts the run.</summary>
    Event,

    /// <summary>A Quartz cron schedule enters every customer of an audience.</summary>
    Schedule,

    /// <summary>A date attribute of the customer (birthday, signedUpAt) yearly at a local time.</summary>
    Date,
}

/// <summary>Where runs start. The fields used depend on <see cref="On"/>.</summary>
[Description("Starts runs: on an event, on a schedule over an audience, or yearly on a customer date.")]
public sealed record TriggerNode : FlowNode
{
    [Description("event, schedule or date.")]
    public required TriggerKind On { get; init; }

    [Description("on: event. The event type that starts a run, e.g. cart.added.")]
    public string? Event { get; init; }

    [Description("on: event. Optional expression over customer and event that must be true.")]
    public string? Filter { get; init; }

    [Description("on: schedule. Quartz cron expression (seconds first), e.g. 0 0 9 * * ?.")]
    public string? Cron { get; init; }

    [Description("on: schedule or date. IANA time-zone id (e.g. Europe/London); date triggers default to the customer's own zone.")]
    public string? TimeZone { get; init; }

    [Description("on: schedule. Expression over customer selecting who enters, e.g. customer.DaysSinceLastOrder >= 35.")]
    public string? Audience { get; init; }

    [Description("on: date. Customer date attribute, e.g. birthday or signedUpAt.")]
    public string? Attribute { get; init; }

    [Description("on: date. ISO-8601 duration before (-P7D) or after (P1D) the date; default none.")]
    public string? Offset { get; init; }

    [Description("on: date. Local time of day, HH:mm; default 09:00.")]
    public string? At { get; init; }
}

/// <summary>Routes a run down its <c>true</c> or <c>false</c> port.</summary>
public sealed record ConditionNode : FlowNode
{
    [Description("RulesEngine expression over customer, event and run, e.g. customer.OrderCount == 0.")]
    public required string Expression { get; init; }
}

public enum SplitKind
{
    /// <summary>Ordered expressions, first match wins, otherwise the <c>else</c> port.</summary>
    Rules,

    /// <summary>Weighted random assignment, stable per customer (A/B tests, hold-out groups).</summary>
    Random,
}

/// <summary>Routes a run down one of several labelled ports.</summary>
public sealed record SplitNode : FlowNode
{
    [Description("rules (first matching expression wins, else the 'else' port) or random (weighted, stable per customer).")]
    public required SplitKind Kind { get; init; }

    [Description("The branches; each label is an out port.")]
    public required IReadOnlyList<SplitBranch> Branches { get; init; }
}

public sealed record SplitBranch
{
    [Description("Branch name, also the out port name.")]
    public required string Label { get; init; }

    [Description("kind: rules. Expression that sends the run down this branch.")]
    public string? Expression { get; init; }

    [Description("kind: random. Relative weight of this branch (e.g. 50).")]
    public double? Weight { get; init; }
}

/// <summary>Holds a run until a due time; the run is stored as a row with that due time.</summary>
[Description("Waits a duration (for), until a local time of day (until), or until a customer date attribute (untilAttribute + offset).")]
public sealed record DelayNode : FlowNode
{
    [Description("ISO-8601 duration, e.g. PT4H or P3D.")]
    public string? For { get; init; }

    [Description("Time of day HH:mm in the customer's time zone; the next such moment.")]
    public string? Until { get; init; }

    [Description("Customer date attribute to wait for, e.g. birthday.")]
    public string? UntilAttribute { get; init; }

    [Description("With untilAttribute: ISO-8601 duration before (-P3D) or after the date.")]
    public string? Offset { get; init; }
}

/// <summary>Waits for an event, or leaves by the <c>timeout</c> port.</summary>
public sealed record WaitNode : FlowNode
{
    [Description("Event type that resumes the run by the 'event' port.")]
    public required string Event { get; init; }

    [Description("Optional expression over customer, event and run the awaited event must satisfy.")]
    public string? Filter { get; init; }

    [Description("ISO-8601 duration after which the run leaves by the 'timeout' port.")]
    public required string Timeout { get; init; }
}

public enum ActionKind
{
    Send,
    Coupon,
    Tag,
    Untag,
    Set,
    Points,
    Webhook,
}

public enum Channel
{
    Chat,
    Email,
    Sms,
    Push,
    Whatsapp,
    Webhook,
}

/// <summary>Does something for the customer. The fields used depend on <see cref="Do"/>.</summary>
[Description("send a message, issue a coupon, tag/untag, set an attribute, add points, or call a webhook.")]
public sealed record ActionNode : FlowNode
{
    [Description("send, coupon, tag, untag, set, points or webhook.")]
    public required ActionKind Do { get; init; }

    [Description("do: send. chat, email, sms, push, whatsapp or webhook.")]
    public Channel? Channel { get; init; }

    [Description("do: send. Liquid template of the title (chat: at most 40 characters; email: the subject).")]
    public string? Title { get; init; }

    [Description("do: send. Liquid template of the message body.")]
    public string? Body { get; init; }

    [Description("do: send or coupon. The pool a one-time code is issued from.")]
    public CouponRef? Coupon { get; init; }

    [Description("do: tag or untag. The tag.")]
    public string? Tag { get; init; }

    [Description("do: set. Customer attribute to set.")]
    public string? Attribute { get; init; }

    [Description("do: set. Expression whose value is stored in the attribute.")]
    public string? Expression { get; init; }

    [Description("do: points. Points to add (negative to deduct).")]
    public int? Points { get; init; }

    [Description("do: webhook. Absolute http(s) URL.")]
    public string? Url { get; init; }

    [Description("do: webhook. Liquid template of the request body.")]
    public string? Payload { get; init; }
}

public sealed record CouponRef
{
    [Description("Id of a coupon pool defined in the settings.")]
    public required string Pool { get; init; }
}

/// <summary>Ends the run.</summary>
public sealed record ExitNode : FlowNode;
