using System.ComponentModel;
using System.Text.Json.Serialization;

namespace ReEngage.Flows.Engine.Model;

/// <summary>
/// Store-wide settings (DESIGN.md §5.7): the guardrails and the coupon pools. Kept in the database
/// and edited by admins; given to <c>simulate</c> and <c>validate</c> as a file. Omitted values take
/// the defaults of a new store (§5.6).
/// </summary>
public sealed record StoreSettings
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public GuardrailSettings Guardrails { get; init; } = new();

    public IReadOnlyList<CouponPoolDefinition> CouponPools { get; init; } = [];
}

public enum UnreadCapAction
{
    /// <summary>A chat beyond the cap is not sent (suppressed).</summary>
    Skip,

    /// <summary>A chat beyond the cap waits until the customer reads one.</summary>
    Wait,
}

public sealed record GuardrailSettings
{
    [Description("When true, a customer with no recorded consent decision is not messaged (opt-in); default false (opt-out).")]
    public bool RequireOptIn { get; init; }

    [Description("Unread engagement chat messages a customer may hold; default 2.")]
    public int UnreadChatCap { get; init; } = 2;

    [Description("skip (default) or wait, for a chat beyond the unread cap.")]
    public UnreadCapAction UnreadCapAction { get; init; } = UnreadCapAction.Skip;

    [Description("A message not read within this ISO-8601 duration counts as read; default P5D.")]
    public string AutoReadAfter { get; init; } = "P5D";

    [Description("At most max marketing messages per customer per rolling window, across flows; default none.")]
    public FrequencyCap? FrequencyCap { get; init; }

    [Description("Quiet hours in the customer's time zone; sends move to the end of the window; default none.")]
    public QuietHours? QuietHours { get; init; }

    public WeeklyQuota WeeklyQuota { get; init; } = new();

    [Description("IANA time zone of the store: the quota week starts Monday 00:00 there, and customers without a zone use it.")]
    public string StoreTimeZone { get; init; } = "UTC";

    [Description("After a pause, a send whose moment passed more than this ISO-8601 duration ago is skipped, not sent late; default PT1H.")]
    public string LateSendWindow { get; init; } = "PT1H";

    /// <summary><see cref="LateSendWindow"/> as a period (one hour if it does not parse; validation reports that).</summary>
    public NodaTime.Period LateSendPeriod() => Durations.TryParse(LateSendWindow, out var window) ? window : NodaTime.Period.FromHours(1);
}

public sealed record WeeklyQuota
{
    public int Minimum { get; init; } = 2000;

    public int Divisor { get; init; } = 3;
}

public enum CouponPoolKind
{
    /// <summary>Unique one-time codes, each issued to at most one customer.</summary>
    Unique,

    /// <summary>One shared code with a redemption limit ("first 500 buyers").</summary>
    Shared,
}

public sealed record CouponPoolDefinition
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public CouponPoolKind Kind { get; init; } = CouponPoolKind.Unique;

    public CouponDiscount? Discount { get; init; }

    [Description("ISO-8601 duration a code stays valid after it is issued, e.g. P14D.")]
    public string? ValidFor { get; init; }

    [Description("kind: unique. Pattern of generated codes; each # is a random letter or digit, e.g. CART-#####.")]
    public string? Pattern { get; init; }

    [Description("kind: shared. The one code everyone gets.")]
    public string? Code { get; init; }

    [Description("kind: shared. How many redemptions the code allows.")]
    public int? RedemptionLimit { get; init; }
}

public sealed record CouponDiscount
{
    public decimal? Percent { get; init; }

    public decimal? Amount { get; init; }

    public string? Currency { get; init; }
}
