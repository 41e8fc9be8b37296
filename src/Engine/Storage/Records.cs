using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Storage;

// Persistence shapes. Query fields are scalar, indexed columns; nested values (attributes,
// tags, consent, properties, flow graphs) are JSON text columns. Times are UTC instants.

/// <summary>A customer profile and the facts kept up to date as their events arrive.</summary>
public sealed class CustomerRecord
{
    public required string Id { get; set; }

    /// <summary>True for a profile known only by an anonymous id (browser or app token).</summary>
    public bool IsAnonymous { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    /// <summary>Attributes as a JSON object of strings (firstName, country, birthday …).</summary>
    public string AttributesJson { get; set; } = "{}";

    /// <summary>Tags as a JSON array of strings.</summary>
    public string TagsJson { get; set; } = "[]";

    /// <summary>Consent decisions per channel as a JSON object of booleans; absent = no decision.</summary>
    public string ConsentJson { get; set; } = "{}";

    public string? TimeZone { get; set; }

    public int Points { get; set; }

    public string? Tier { get; set; }

    public int OrderCount { get; set; }

    public decimal TotalSpent { get; set; }

    public decimal CartValue { get; set; }

    public DateTimeOffset? LastOrderAt { get; set; }

    public DateTimeOffset? LastSeenAt { get; set; }

    public DateTimeOffset? FirstSeenAt { get; set; }

    public int RfmR { get; set; }

    public int RfmF { get; set; }

    public int RfmM { get; set; }

    public string? RfmSegment { get; set; }

    /// <summary>
    /// The flows the customer entered, for the re-entry rules: a JSON object of flow id →
    /// [last entry as UTC ticks, entries]. Kept in the profile, which a batch reads and rewrites for
    /// every event anyway, rather than in rows of their own (see <c>Runtime.CustomerEntries</c>).
    /// </summary>
    public string EntriesJson { get; set; } = "{}";

    /// <summary>Parsed forms of the JSON columns, each with the text it came from (not stored; see CustomerProfile).</summary>
    internal ParsedColumns? Views { get; set; }
}

/// <summary>An order counted once per customer, whatever number of events repeat it.</summary>
public sealed class CustomerOrderRecord
{
    public required string CustomerId { get; set; }

    public required string OrderId { get; set; }
}

/// <summary>Links an anonymous id to the customer it turned out to be (after <c>identify</c>).</summary>
public sealed class IdentityLinkRecord
{
    public required string AnonymousId { get; set; }

    public required string CustomerId { get; set; }
}

/// <summary>An event as stored: append-only; <see cref="Seq"/> is the arrival order.</summary>
public sealed class EventRecord
{
    public long Seq { get; set; }

    /// <summary>Made by the engine, so runs can point at an event before the batch is written.</summary>
    public Guid Key { get; set; }

    public string? EventId { get; set; }

    public required string Type { get; set; }

    public required string CustomerId { get; set; }

    public string? AnonymousId { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string PropertiesJson { get; set; } = "{}";
}

public enum FlowStatus
{
    Draft,
    Active,
    Paused,
    Finished,
}

public enum FlowSource
{
    File,
    Designer,

    /// <summary>Generated when a one-off campaign starts; changed only through the campaign.</summary>
    Campaign,
}

/// <summary>A flow: its current draft, its state and which published version new runs take.</summary>
public sealed class FlowRecord
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public FlowStatus Status { get; set; }

    public FlowSource Source { get; set; }

    public string? SourcePath { get; set; }

    /// <summary>The latest published version; null before the first publish.</summary>
    public int? PublishedVersion { get; set; }

    public required string DraftJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An immutable published version of a flow; runs finish on the version they started on.</summary>
public sealed class FlowVersionRecord
{
    public required string FlowId { get; set; }

    public int Version { get; set; }

    public required string Json { get; set; }

    public required string ContentHash { get; set; }

    public DateTimeOffset PublishedAt { get; set; }
}

public enum RunStatus
{
    Active,
    Waiting,
    Completed,
    Exited,
    Failed,
}

/// <summary>One customer's journey through one published flow version.</summary>
public sealed class RunRecord
{
    /// <summary>Made by the engine (time-ordered), so a run and its first steps are written in one round trip.</summary>
    public Guid Id { get; set; }

    public required string FlowId { get; set; }

    public int Version { get; set; }

    public required string CustomerId { get; set; }

    public RunStatus Status { get; set; }

    public required string NodeId { get; set; }

    /// <summary>When a waiting run is due (end of its delay, or its wait's timeout).</summary>
    public DateTimeOffset? WakeAt { get; set; }

    /// <summary>The event type a run at a wait node is waiting for.</summary>
    public string? AwaitEvent { get; set; }

    public DateTimeOffset EnteredAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public string? EndReason { get; set; }

    /// <summary>The event expressions see as <c>event</c>: the trigger's, then the awaited one's.</summary>
    public Guid? EventKey { get; set; }

    /// <summary>The random-split branch the run took, for A/B attribution.</summary>
    public string? Branch { get; set; }

    /// <summary>The last node that sent a message, for goal attribution.</summary>
    public string? LastMessageNodeId { get; set; }

    public int StepCount { get; set; }

    public int MessagesSent { get; set; }

    /// <summary>The run's step log, a JSON array of its steps in order (see <c>Runtime/StepLog</c>); empty before the first.</summary>
    public string Log { get; set; } = "";
}

/// <summary>
/// How many runs of a flow are in one status, and, while they are under way (active or waiting),
/// at one node: kept with every run written, in the same transaction, so that the stats, the
/// designer's live counts and the controls' checks read a few rows instead of counting a flow's
/// runs, and the runs need no index by flow (which every run a batch started was added to).
/// </summary>
public sealed class RunTallyRecord
{
    public required string FlowId { get; set; }

    public RunStatus Status { get; set; }

    /// <summary>The runs' node while they are active or waiting; empty for runs that ended.</summary>
    public string NodeId { get; set; } = "";

    public int Count { get; set; }

    /// <summary>The node a run of this status is tallied at.</summary>
    public static string NodeOf(RunStatus status, string nodeId) => status is RunStatus.Active or RunStatus.Waiting ? nodeId : "";
}

public enum StepOutcome
{
    Entered,
    Passed,
    Waiting,
    Suppressed,
    Failed,
    Converted,
    Exited,
    Completed,
}

/// <summary>
/// One line of a run's step log. The log is kept in the run's own row (<see cref="RunRecord.Log"/>,
/// see <c>Runtime/StepLog</c>): a run's new state and its steps are one row written once, and a
/// replayed step, which finds the run moved on already, writes nothing. What the stats count of the
/// steps is kept in <see cref="NodeCountRecord"/>.
/// </summary>
public sealed class StepRecord
{
    public Guid RunId { get; set; }

    public int Seq { get; set; }

    public required string FlowId { get; set; }

    public int Version { get; set; }

    public required string NodeId { get; set; }

    public DateTimeOffset At { get; set; }

    public StepOutcome Outcome { get; set; }

    public string? Port { get; set; }

    public string? Detail { get; set; }
}

/// <summary>
/// How many steps of one outcome a flow's node logged on one UTC day, through one port (a random
/// split's branch, a conversion's attributed branch, a wait's exit): the stats, analytics and
/// dashboards read these sums, written with the steps they count, instead of every step.
/// </summary>
public sealed class NodeCountRecord
{
    public required string FlowId { get; set; }

    public required string NodeId { get; set; }

    public StepOutcome Outcome { get; set; }

    /// <summary>The step's port or branch; empty when it names none.</summary>
    public string Port { get; set; } = "";

    /// <summary>Midnight UTC of the steps' day.</summary>
    public DateTimeOffset Day { get; set; }

    public int Count { get; set; }
}

public enum OutboxKind
{
    /// <summary>A message to the customer (chat, email, SMS, push, WhatsApp, or a gateway webhook).</summary>
    Message,

    /// <summary>A call of a webhook action (a CRM, an ad audience): delivered, not a message.</summary>
    Webhook,
}

public enum MessageStatus
{
    Pending,
    Sent,
    Suppressed,
    Failed,
    Skipped,
}

/// <summary>A message in the outbox, written in the same transaction as the step that produced it.</summary>
public sealed class MessageRecord
{
    public long Id { get; set; }

    public Guid RunId { get; set; }

    public int StepSeq { get; set; }

    public required string FlowId { get; set; }

    public int FlowVersion { get; set; }

    public required string NodeId { get; set; }

    public required string CustomerId { get; set; }

    public OutboxKind Kind { get; set; }

    public Channel Channel { get; set; }

    public string? Title { get; set; }

    public string? Body { get; set; }

    public string? Url { get; set; }

    public string? CouponCode { get; set; }

    public MessageStatus Status { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset DueAt { get; set; }

    /// <summary>When it was sent, or stopped.</summary>
    public DateTimeOffset? DoneAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>A coupon code issued to a customer (or the shared code of a pool, once per issue).</summary>
public sealed class CouponIssueRecord
{
    public long Id { get; set; }

    public required string PoolId { get; set; }

    public required string Code { get; set; }

    /// <summary>The code again for unique pools (unique index), null for shared ones.</summary>
    public string? UniqueCode { get; set; }

    public required string CustomerId { get; set; }

    public string? FlowId { get; set; }

    public string? NodeId { get; set; }

    public Guid? RunId { get; set; }

    public string? Branch { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RedeemedAt { get; set; }
}

/// <summary>Small named values of the engine: the global pause switch, the store settings, sweep marks.</summary>
public sealed class EngineStateRecord
{
    public required string Key { get; set; }

    public required string Value { get; set; }
}

public enum CampaignStatus
{
    /// <summary>Waiting for its start time (or for one to be set); the only state in which it can be edited.</summary>
    NotStarted,

    /// <summary>Its customers have entered; messages are going out (or held by guardrails).</summary>
    Delivering,

    /// <summary>Every message went out or was stopped, or a marketer finished it.</summary>
    Finished,

    /// <summary>It could not start; <see cref="CampaignRecord.CannotDeliverReason"/> says why.</summary>
    CannotDeliver,
}

/// <summary>
/// A one-off campaign (DESIGN.md §1): a customer group over a period, one message and at most one
/// coupon, started once. When it starts it runs as the generated flow <see cref="FlowId"/>.
/// </summary>
public sealed class CampaignRecord
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public CampaignStatus Status { get; set; }

    public Campaigns.CustomerGroup Group { get; set; }

    /// <summary>The look-back period of the group, in days (7, 14 or 30).</summary>
    public int PeriodDays { get; set; }

    public Channel Channel { get; set; }

    public string? Title { get; set; }

    public required string Body { get; set; }

    public string? CouponPool { get; set; }

    /// <summary>When it starts; null while no start time is set (a fresh duplicate).</summary>
    public DateTimeOffset? StartAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Customers who entered when it started.</summary>
    public int? Reach { get; set; }

    /// <summary>The generated flow, from the moment it starts.</summary>
    public string? FlowId { get; set; }

    /// <summary>A stable code (no-customers, coupon-pool-unknown …) when it cannot deliver.</summary>
    public string? CannotDeliverReason { get; set; }

    /// <summary>The reason as a sentence a marketer understands.</summary>
    public string? CannotDeliverDetail { get; set; }

    /// <summary>The campaign this one was copied from.</summary>
    public long? DuplicatedFrom { get; set; }
}

/// <summary>A customer row's JSON columns as last parsed, each beside the very string it was parsed from.</summary>
internal sealed class ParsedColumns
{
    public (string? Text, IReadOnlyDictionary<string, string>? View) Attributes;

    public (string? Text, IReadOnlyList<string>? View) Tags;

    public (string? Text, IReadOnlyDictionary<string, bool>? View) Consent;

    /// <summary>The expression inputs built from the views above, each with the view it came from.</summary>
    public (IReadOnlyDictionary<string, bool>? From, bool RequireOptIn, Expressions.ConsentInput? Input) ConsentInput;

    public (IReadOnlyDictionary<string, string>? From, Expressions.ValueBag? Bag) AttributeBag;
}
