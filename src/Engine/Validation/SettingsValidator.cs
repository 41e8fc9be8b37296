using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>Checks store settings (guardrails and coupon pools), every problem at once, by JSON path.</summary>
public static class SettingsValidator
{
    public static IReadOnlyList<FlowProblem> Validate(StoreSettings settings)
    {
        var sink = new ProblemSink(ExpressionChecker.Shared, FlowValidationContext.Empty);
        Guardrails(settings.Guardrails, sink);

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < settings.CouponPools.Count; i++)
            Pool(settings.CouponPools[i], $"$.couponPools[{i}]", ids, sink);

        return sink.Problems;
    }

    private static void Guardrails(GuardrailSettings g, ProblemSink sink)
    {
        const string at = "$.guardrails";
        if (g.UnreadChatCap < 0)
            sink.Error(ProblemCodes.InvalidSetting, "The unread chat cap cannot be negative.", path: $"{at}.unreadChatCap");
        if (g.UnreadCapAction == UnreadCapAction.Wait && g.UnreadChatCap == 0)
        {
            sink.Error(ProblemCodes.InvalidSetting,
                "unreadCapAction 'wait' holds a chat until the customer reads an earlier one, but an unread chat cap of 0 allows no chat to be read first: raise the cap or use 'skip'.",
                path: $"{at}.unreadCapAction");
        }

        sink.Duration(g.AutoReadAfter, "auto-read delay", null, $"{at}.autoReadAfter");
        sink.Duration(g.LateSendWindow, "late-send window", null, $"{at}.lateSendWindow");
        sink.TimeZone(g.StoreTimeZone, null, $"{at}.storeTimeZone");
        if (g.FrequencyCap is { } cap)
        {
            if (cap.Max < 1)
                sink.Error(ProblemCodes.InvalidSetting, "The frequency cap must allow at least 1 message per window.", path: $"{at}.frequencyCap.max");
            sink.Duration(cap.Window, "frequency cap window", null, $"{at}.frequencyCap.window");
        }

        if (g.QuietHours is { } quiet)
        {
            sink.TimeOfDay(quiet.From, "quiet hours start", null, $"{at}.quietHours.from");
            sink.TimeOfDay(quiet.To, "quiet hours end", null, $"{at}.quietHours.to");
        }

        if (g.WeeklyQuota.Minimum < 0)
            sink.Error(ProblemCodes.InvalidSetting, "The weekly quota minimum cannot be negative.", path: $"{at}.weeklyQuota.minimum");
        if (g.WeeklyQuota.Divisor < 1)
            sink.Error(ProblemCodes.InvalidSetting, "The weekly quota divisor must be at least 1.", path: $"{at}.weeklyQuota.divisor");
    }

    private static void Pool(CouponPoolDefinition pool, string at, HashSet<string> ids, ProblemSink sink)
    {
        if (string.IsNullOrWhiteSpace(pool.Id))
            sink.Error(ProblemCodes.MissingSetting, "A coupon pool needs an id.", path: $"{at}.id");
        else if (!ids.Add(pool.Id))
            sink.Error(ProblemCodes.DuplicatePool, $"Another coupon pool already has the id '{pool.Id}'.", path: $"{at}.id");

        if (pool.ValidFor is not null)
            sink.Duration(pool.ValidFor, "validity", null, $"{at}.validFor");

        if (pool.Discount is { } discount)
        {
            if ((discount.Percent is null) == (discount.Amount is null))
                sink.Error(ProblemCodes.InvalidSetting, "A discount is either a percent or an amount: give exactly one.", path: $"{at}.discount");
            if (discount.Percent is <= 0 or > 100)
                sink.Error(ProblemCodes.InvalidSetting, "A percent discount must be above 0 and at most 100.", path: $"{at}.discount.percent");
            if (discount.Amount is <= 0)
                sink.Error(ProblemCodes.InvalidSetting, "A discount amount must be above 0.", path: $"{at}.discount.amount");
        }

        switch (pool.Kind)
        {
            case CouponPoolKind.Unique:
                sink.Unused(pool.Code, "code", "by shared pools (unique pools generate a code per customer)", null, $"{at}.code");
                sink.Unused(pool.RedemptionLimit, "redemptionLimit", "by shared pools", null, $"{at}.redemptionLimit");
                if (pool.Pattern is { } pattern && pattern.Count(c => c == '#') < 6)
                    sink.Error(ProblemCodes.InvalidSetting, $"The pattern '{pattern}' needs at least 6 # (random characters) so codes cannot be guessed.", path: $"{at}.pattern");
                break;
            case CouponPoolKind.Shared:
                sink.Required(pool.Code, "code", "on a shared pool", null, $"{at}.code");
                sink.Unused(pool.Pattern, "pattern", "by unique pools", null, $"{at}.pattern");
                if (pool.RedemptionLimit is < 1)
                    sink.Error(ProblemCodes.InvalidSetting, "The redemption limit must be at least 1.", path: $"{at}.redemptionLimit");
                break;
        }
    }
}
