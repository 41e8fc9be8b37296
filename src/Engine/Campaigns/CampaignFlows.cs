using System.Globalization;
using System.Text.RegularExpressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Campaigns;

/// <summary>
/// A campaign as the flow the engine runs: a one-off schedule trigger (a Quartz cron pinned to the
/// start second and year) whose audience is the customer group, then the send. Generating a flow
/// means the guardrails, coupons, outbox, delivery and stats are the flows' own.
/// </summary>
internal static partial class CampaignFlows
{
    public const string TriggerId = "start";
    public const string SendId = "send";
    public const string DoneId = "done";
    public const string FlowIdPrefix = "campaign-";
    public const int MaxNameLength = 100;

    public static string FlowIdOf(long campaignId, int attempt = 1) => attempt == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{FlowIdPrefix}{campaignId}")
        : string.Create(CultureInfo.InvariantCulture, $"{FlowIdPrefix}{campaignId}-{attempt}");

    /// <summary>The cron of one instant: fires at that second of that year only.</summary>
    public static string OneOffCron(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture, $"{utc.Second} {utc.Minute} {utc.Hour} {utc.Day} {utc.Month} ? {utc.Year}");
    }

    public static FlowDefinition Build(CampaignRecord campaign, string flowId, DateTimeOffset startAt)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new FlowDefinition
        {
            Id = flowId,
            Name = campaign.Name,
            Description = $"One-off campaign {campaign.Id}: {Describe(campaign.Group, campaign.PeriodDays)}.",
            Entry = new EntrySettings { Reentry = Reentry.Never },
            Nodes =
            [
                new TriggerNode
                {
                    Id = TriggerId,
                    On = TriggerKind.Schedule,
                    Cron = OneOffCron(startAt),
                    TimeZone = "UTC",
                    Audience = CustomerGroups.Audience(campaign.Group, campaign.PeriodDays),
                },
                new ActionNode
                {
                    Id = SendId,
                    Do = ActionKind.Send,
                    Channel = campaign.Channel,
                    Title = campaign.Title,
                    Body = campaign.Body,
                    Coupon = campaign.CouponPool is { } pool ? new CouponRef { Pool = pool } : null,
                },
                new ExitNode { Id = DoneId },
            ],
            Edges =
            [
                new FlowEdge { From = TriggerId, To = SendId },
                new FlowEdge { From = SendId, To = DoneId },
            ],
        };
    }

    /// <summary>"customers who added to cart in the last 7 days", for descriptions and reasons.</summary>
    public static string Describe(CustomerGroup group, int periodDays) => group switch
    {
        CustomerGroup.AddedToCart => $"customers who added to cart in the last {periodDays} days",
        CustomerGroup.StoreFollowers => $"customers who followed the store in the last {periodDays} days",
        CustomerGroup.ViewedSeveralTimes => $"customers who viewed products several times in the last {periodDays} days",
        _ => $"customers who ordered in the last {periodDays} days",
    };

    /// <summary>
    /// Every problem of a new campaign, by field. The message is checked exactly as a flow's send
    /// action is (Liquid templates, the 40-character chat title, the coupon pool), by validating the
    /// flow it will run as.
    /// </summary>
    public static IReadOnlyList<CampaignProblem> Check(CampaignInput input, StoreSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<CampaignProblem>();
        CheckName(input.Name, problems);
        var period = CustomerGroups.ParsePeriod(input.Period);
        if (period is null)
            problems.Add(new("period", $"The period '{input.Period}' is not one of P7D, P14D or P30D."));
        if (input.Channel == Channel.Webhook)
            problems.Add(new("channel", "A campaign messages customers: choose chat, email, sms, push or whatsapp, not webhook."));
        if (input.CouponPool is not null && string.IsNullOrWhiteSpace(input.CouponPool))
            problems.Add(new("couponPool", "The coupon pool is empty; leave it out for a campaign without a coupon."));
        CheckStart(input.StartAt, input.StartNow, now, problems);

        var draft = new CampaignRecord
        {
            Name = input.Name,
            Group = input.Group,
            PeriodDays = period ?? CustomerGroups.PeriodDays[0],
            Channel = input.Channel,
            Title = input.Title,
            Body = input.Body,
            CouponPool = string.IsNullOrWhiteSpace(input.CouponPool) ? null : input.CouponPool,
        };
        foreach (var problem in FlowValidator.Default.Validate(Build(draft, FlowIdOf(1), now), FlowFiles.ContextFor(settings)))
        {
            var field = FieldOf(problem);
            if (problem.Severity == ProblemSeverity.Error && !problems.Any(p => p.Field == field))
                problems.Add(new(field, problem.Message));
        }

        return problems;
    }

    public static IReadOnlyList<CampaignProblem> Check(CampaignEdit edit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var problems = new List<CampaignProblem>();
        CheckName(edit.Name, problems);
        CheckStart(edit.StartAt, edit.StartNow, now, problems);
        return problems;
    }

    /// <summary>The moment a campaign should start, from startAt or startNow (already checked).</summary>
    public static DateTimeOffset? StartOf(DateTimeOffset? startAt, bool startNow, DateTimeOffset now) =>
        startNow ? now : startAt?.ToUniversalTime();

    private static void CheckName(string name, List<CampaignProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
            problems.Add(new("name", "The campaign needs a name."));
        else if (name.Length > MaxNameLength)
            problems.Add(new("name", $"The name is {name.Length} characters long; at most {MaxNameLength}."));
    }

    private static void CheckStart(DateTimeOffset? startAt, bool startNow, DateTimeOffset now, List<CampaignProblem> problems)
    {
        if (startNow && startAt is not null)
            problems.Add(new("startAt", "Give either startAt or startNow: true, not both."));
        // A minute of slack: a time picked in the wizard a moment ago is still "now".
        else if (startAt is { } at && at < now.AddMinutes(-1))
            problems.Add(new("startAt", $"The start time {at:O} has passed; choose a later time or startNow."));
    }

    /// <summary>The campaign field behind a problem of the generated flow (the send node's title, body, coupon …).</summary>
    private static string FieldOf(FlowProblem problem) =>
        problem.Path == "$.name" ? "name"
        : problem.Path is { } path && SendField().Match(path) is { Success: true } match
            ? match.Groups["field"].Value switch
            {
                "coupon" => "couponPool",
                var field => field,
            }
            : "$";

    [GeneratedRegex(@"^\$\.nodes\[1\]\.(?<field>title|body|channel|coupon)")]
    private static partial Regex SendField();
}
