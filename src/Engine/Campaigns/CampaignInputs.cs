using System.ComponentModel;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Campaigns;

/// <summary>A new one-off campaign as the wizard (or the API) sends it.</summary>
public sealed record CampaignInput
{
    [Description("Name in the campaigns list, at most 100 characters.")]
    public required string Name { get; init; }

    [Description("addedToCart, storeFollowers, viewedSeveralTimes or existingCustomers.")]
    public required CustomerGroup Group { get; init; }

    [Description("The look-back period of the group: P7D, P14D or P30D.")]
    public required string Period { get; init; }

    [Description("chat, email, sms, push or whatsapp.")]
    public required Channel Channel { get; init; }

    [Description("Liquid template of the title (chat: at most 40 characters; email: the subject).")]
    public string? Title { get; init; }

    [Description("Liquid template of the message.")]
    public required string Body { get; init; }

    [Description("At most one coupon: the id of a coupon pool; each customer gets a code from it.")]
    public string? CouponPool { get; init; }

    [Description("When it starts (ISO-8601 instant). Give this or startNow.")]
    public DateTimeOffset? StartAt { get; init; }

    [Description("true to start at once. Give this or startAt.")]
    public bool StartNow { get; init; }
}

/// <summary>What can change on a campaign that has not started: its name and its start.</summary>
public sealed record CampaignEdit
{
    public required string Name { get; init; }

    [Description("When it starts (ISO-8601 instant); with neither this nor startNow it keeps no start time and does not start.")]
    public DateTimeOffset? StartAt { get; init; }

    [Description("true to start at once.")]
    public bool StartNow { get; init; }
}

/// <summary>A defect of a campaign request: the field (camelCase, as in the body) and a sentence.</summary>
public sealed record CampaignProblem(string Field, string Message);
