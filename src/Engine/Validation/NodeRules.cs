using System.Globalization;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>The settings of each node type: what is required, what is well-formed, what does not belong.</summary>
internal static class NodeRules
{
    /// <summary>Chat titles longer than this are cut by the chat apps stores send through.</summary>
    public const int MaxChatTitleLength = 40;

    public static void Check(FlowNode node, int index, ProblemSink sink)
    {
        var at = $"$.nodes[{index}]";
        switch (node)
        {
            case TriggerNode trigger:
                Trigger(trigger, sink, at);
                break;
            case ConditionNode condition:
                sink.Expression(condition.Expression, "condition", node.Id, $"{at}.expression");
                break;
            case SplitNode split:
                Split(split, sink, at);
                break;
            case DelayNode delay:
                Delay(delay, sink, at);
                break;
            case WaitNode wait:
                sink.Required(wait.Event, "event", "on a wait", node.Id, $"{at}.event");
                if (wait.Filter is not null)
                    sink.Expression(wait.Filter, "wait filter", node.Id, $"{at}.filter");
                sink.Duration(wait.Timeout, "timeout", node.Id, $"{at}.timeout");
                break;
            case ActionNode action:
                Action(action, sink, at);
                break;
        }
    }

    private static void Trigger(TriggerNode t, ProblemSink sink, string at)
    {
        var id = t.Id;
        const string eventOnly = "by event triggers (on: event)";
        const string scheduleOnly = "by schedule triggers (on: schedule)";
        const string dateOnly = "by date triggers (on: date)";

        switch (t.On)
        {
            case TriggerKind.Event:
                sink.Required(t.Event, "event", "on an event trigger", id, $"{at}.event");
                if (t.Filter is not null)
                    sink.Expression(t.Filter, "trigger filter", id, $"{at}.filter");
                sink.Unused(t.Cron, "cron", scheduleOnly, id, $"{at}.cron");
                sink.Unused(t.Audience, "audience", scheduleOnly, id, $"{at}.audience");
                sink.Unused(t.TimeZone, "timeZone", "by schedule and date triggers", id, $"{at}.timeZone");
                sink.Unused(t.Attribute, "attribute", dateOnly, id, $"{at}.attribute");
                sink.Unused(t.Offset, "offset", dateOnly, id, $"{at}.offset");
                sink.Unused(t.At, "at", dateOnly, id, $"{at}.at");
                break;

            case TriggerKind.Schedule:
                sink.Required(t.Cron, "cron", "on a schedule trigger", id, $"{at}.cron");
                if (t.Cron is not null)
                    Cron(t.Cron, sink, id, $"{at}.cron");
                if (t.TimeZone is not null)
                    sink.TimeZone(t.TimeZone, id, $"{at}.timeZone");
                sink.Required(t.Audience, "audience", "on a schedule trigger (who enters, e.g. customer.DaysSinceLastOrder >= 35)", id, $"{at}.audience");
                if (t.Audience is not null)
                    sink.Expression(t.Audience, "audience", id, $"{at}.audience");
                sink.Unused(t.Event, "event", eventOnly, id, $"{at}.event");
                sink.Unused(t.Filter, "filter", eventOnly, id, $"{at}.filter");
                sink.Unused(t.Attribute, "attribute", dateOnly, id, $"{at}.attribute");
                sink.Unused(t.Offset, "offset", dateOnly, id, $"{at}.offset");
                sink.Unused(t.At, "at", dateOnly, id, $"{at}.at");
                break;

            case TriggerKind.Date:
                sink.Required(t.Attribute, "attribute", "on a date trigger (e.g. birthday)", id, $"{at}.attribute");
                if (t.Offset is not null)
                    sink.Duration(t.Offset, "offset", id, $"{at}.offset", positive: false);
                if (t.At is not null)
                    sink.TimeOfDay(t.At, "time of day", id, $"{at}.at");
                if (t.TimeZone is not null)
                    sink.TimeZone(t.TimeZone, id, $"{at}.timeZone");
                sink.Unused(t.Event, "event", eventOnly, id, $"{at}.event");
                sink.Unused(t.Filter, "filter", eventOnly, id, $"{at}.filter");
                sink.Unused(t.Cron, "cron", scheduleOnly, id, $"{at}.cron");
                sink.Unused(t.Audience, "audience", scheduleOnly, id, $"{at}.audience");
                break;
        }
    }

    private static void Cron(string cron, ProblemSink sink, string nodeId, string path)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
        }
        catch (FormatException ex)
        {
            sink.Error(ProblemCodes.InvalidCron,
                $"'{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0 9 * * ?): {ex.Message}",
                nodeId, path);
        }
    }

    private static void Split(SplitNode split, ProblemSink sink, string at)
    {
        if (split.Branches.Count == 0)
            sink.Error(ProblemCodes.MissingBranch, "A split needs at least one branch.", split.Id, $"{at}.branches");

        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < split.Branches.Count; i++)
        {
            var branch = split.Branches[i];
            var path = $"{at}.branches[{i}]";
            if (string.IsNullOrWhiteSpace(branch.Label))
                sink.Error(ProblemCodes.MissingSetting, $"Branch {i + 1} has no label.", split.Id, $"{path}.label");
            else if (!labels.Add(branch.Label) || (split.Kind == SplitKind.Rules && branch.Label == FlowPorts.Else))
                sink.Error(ProblemCodes.DuplicateBranch, $"The branch label '{branch.Label}' is used twice (rules splits also have an 'else' branch).", split.Id, $"{path}.label");

            if (split.Kind == SplitKind.Rules)
            {
                sink.Required(branch.Expression, "expression", "on each branch of a rules split", split.Id, $"{path}.expression");
                if (branch.Expression is not null)
                    sink.Expression(branch.Expression, $"expression of branch '{branch.Label}'", split.Id, $"{path}.expression");
                sink.Unused(branch.Weight, "weight", "by random splits", split.Id, $"{path}.weight");
            }
            else
            {
                sink.Required(branch.Weight, "weight", "on each branch of a random split", split.Id, $"{path}.weight");
                if (branch.Weight is <= 0 or double.NaN)
                    sink.Error(ProblemCodes.InvalidSetting, $"The weight of branch '{branch.Label}' must be above zero.", split.Id, $"{path}.weight");
                sink.Unused(branch.Expression, "expression", "by rules splits", split.Id, $"{path}.expression");
            }
        }
    }

    private static void Delay(DelayNode delay, ProblemSink sink, string at)
    {
        var kinds = new[] { delay.For, delay.Until, delay.UntilAttribute }.Count(v => v is not null);
        if (kinds != 1)
        {
            sink.Error(kinds == 0 ? ProblemCodes.MissingSetting : ProblemCodes.InvalidSetting,
                "A delay needs exactly one of: 'for' (a duration), 'until' (a time of day) or 'untilAttribute' (a customer date).",
                delay.Id, at);
        }

        if (delay.For is not null)
            sink.Duration(delay.For, "delay", delay.Id, $"{at}.for");
        if (delay.Until is not null)
            sink.TimeOfDay(delay.Until, "time of day", delay.Id, $"{at}.until");
        if (delay.Offset is not null)
        {
            if (delay.UntilAttribute is null)
                sink.Unused(delay.Offset, "offset", "with untilAttribute", delay.Id, $"{at}.offset");
            else
                sink.Duration(delay.Offset, "offset", delay.Id, $"{at}.offset", positive: false);
        }
    }

    private static void Action(ActionNode a, ProblemSink sink, string at)
    {
        var id = a.Id;
        var send = a.Do == ActionKind.Send;
        sink.Unused(send ? null : a.Channel, "channel", "by send actions", id, $"{at}.channel");
        sink.Unused(send ? null : a.Title, "title", "by send actions", id, $"{at}.title");
        sink.Unused(send ? null : a.Body, "body", "by send actions", id, $"{at}.body");
        sink.Unused(a.Do is ActionKind.Send or ActionKind.Coupon ? null : a.Coupon, "coupon", "by send and coupon actions", id, $"{at}.coupon");
        sink.Unused(a.Do is ActionKind.Tag or ActionKind.Untag ? null : a.Tag, "tag", "by tag and untag actions", id, $"{at}.tag");
        sink.Unused(a.Do == ActionKind.Set ? null : a.Attribute, "attribute", "by set actions", id, $"{at}.attribute");
        sink.Unused(a.Do == ActionKind.Set ? null : a.Expression, "expression", "by set actions", id, $"{at}.expression");
        sink.Unused(a.Do == ActionKind.Points ? null : a.Points, "points", "by points actions", id, $"{at}.points");
        sink.Unused(a.Do == ActionKind.Webhook ? null : a.Url, "url", "by webhook actions", id, $"{at}.url");
        sink.Unused(a.Do == ActionKind.Webhook ? null : a.Payload, "payload", "by webhook actions", id, $"{at}.payload");

        switch (a.Do)
        {
            case ActionKind.Send:
                Send(a, sink, at);
                break;
            case ActionKind.Coupon:
                sink.Required(a.Coupon, "coupon", "on a coupon action", id, $"{at}.coupon");
                break;
            case ActionKind.Tag or ActionKind.Untag:
                sink.Required(a.Tag, "tag", $"on a {a.Do.ToString().ToLowerInvariant()} action", id, $"{at}.tag");
                break;
            case ActionKind.Set:
                sink.Required(a.Attribute, "attribute", "on a set action", id, $"{at}.attribute");
                sink.Required(a.Expression, "expression", "on a set action", id, $"{at}.expression");
                if (a.Expression is not null)
                    sink.Expression(a.Expression, "value expression", id, $"{at}.expression", ExpressionResult.Value);
                break;
            case ActionKind.Points:
                sink.Required(a.Points, "points", "on a points action", id, $"{at}.points");
                if (a.Points == 0)
                    sink.Error(ProblemCodes.InvalidSetting, "Adding 0 points does nothing; give a positive or negative number.", id, $"{at}.points");
                break;
            case ActionKind.Webhook:
                sink.Required(a.Url, "url", "on a webhook action", id, $"{at}.url");
                if (a.Url is not null && !(Uri.TryCreate(a.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                    sink.Error(ProblemCodes.InvalidUrl, $"'{a.Url}' is not an absolute http(s) URL.", id, $"{at}.url");
                Template(a.Payload, "payload", sink, id, $"{at}.payload");
                break;
        }

        if (a.Coupon is { } coupon && sink.Context.CouponPools is { } pools && !pools.Contains(coupon.Pool))
        {
            sink.Error(ProblemCodes.UnknownCouponPool,
                $"The coupon pool '{coupon.Pool}' does not exist; create it first{(pools.Count > 0 ? $" (existing pools: {string.Join(", ", pools.Order())})" : "")}.",
                id, $"{at}.coupon.pool");
        }
    }

    private static void Send(ActionNode a, ProblemSink sink, string at)
    {
        sink.Required(a.Channel, "channel", "on a send action", a.Id, $"{at}.channel");
        sink.Required(a.Body, "body", "on a send action", a.Id, $"{at}.body");
        if (a.Channel is Channel.Chat or Channel.Email or Channel.Push)
            sink.Required(a.Title, "title", $"on a {a.Channel.ToString()!.ToLowerInvariant()} message", a.Id, $"{at}.title");

        Template(a.Title, "title", sink, a.Id, $"{at}.title");
        Template(a.Body, "body", sink, a.Id, $"{at}.body");

        if (a.Channel == Channel.Chat && a.Title is not null)
        {
            var length = new StringInfo(a.Title).LengthInTextElements;
            if (length > MaxChatTitleLength)
            {
                sink.Error(ProblemCodes.TitleTooLong,
                    $"The chat title is {length} characters long; chat titles can be at most {MaxChatTitleLength}.", a.Id, $"{at}.title");
            }
        }
    }

    private static void Template(string? template, string what, ProblemSink sink, string nodeId, string path)
    {
        if (template is not null && MessageTemplates.Check(template) is { } error)
            sink.Error(ProblemCodes.InvalidTemplate, $"The {what} is not a valid Liquid template: {error}", nodeId, path);
    }
}
