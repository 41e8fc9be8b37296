using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Tests.Support;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Validation;

public class SettingsValidatorTests
{
    private static IReadOnlyList<FlowProblem> Check(string json)
    {
        var read = JsonDocumentReader.Read<StoreSettings>(json);
        return read.Value is null ? read.Problems : SettingsValidator.Validate(read.Value);
    }

    [Fact]
    public void The_settings_of_the_design_document_are_valid()
    {
        const string json = """
            {"guardrails": {"unreadChatCap": 2, "autoReadAfter": "P5D", "frequencyCap": {"max": 3, "window": "P7D"},
              "quietHours": {"from": "21:00", "to": "08:00"}, "weeklyQuota": {"minimum": 2000, "divisor": 3}},
             "couponPools": [{"id": "CART10", "kind": "unique", "discount": {"percent": 10}, "validFor": "P14D"}]}
            """;
        Assert.Empty(Check(json));
    }

    [Fact]
    public void Omitted_settings_take_the_defaults_of_a_new_store()
    {
        var settings = JsonDocumentReader.Read<StoreSettings>("{}").Value!;

        Assert.False(settings.Guardrails.RequireOptIn);
        Assert.Equal(2, settings.Guardrails.UnreadChatCap);
        Assert.Equal(UnreadCapAction.Skip, settings.Guardrails.UnreadCapAction);
        Assert.Equal("P5D", settings.Guardrails.AutoReadAfter);
        Assert.Null(settings.Guardrails.FrequencyCap);
        Assert.Null(settings.Guardrails.QuietHours);
        Assert.Equal((2000, 3), (settings.Guardrails.WeeklyQuota.Minimum, settings.Guardrails.WeeklyQuota.Divisor));
        Assert.Empty(settings.CouponPools);
    }

    [Fact]
    public void The_shipped_settings_are_valid()
    {
        FlowFiles.ReadSettings(Path.Combine(RepoPaths.Workflows, FlowFiles.SettingsFileName), out var problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_settings_problem_is_reported_by_path()
    {
        const string json = """
            {"guardrails": {"autoReadAfter": "5 days", "quietHours": {"from": "9pm", "to": "08:00"}, "storeTimeZone": "Nowhere/City"},
             "couponPools": [
               {"id": "A", "kind": "shared", "discount": {"percent": 120}},
               {"id": "A", "kind": "unique", "pattern": "A-##", "code": "SAME"}]}
            """;

        var problems = Check(json).Select(p => (p.Code, p.Location)).ToList();

        Assert.Equal(
            [
                (ProblemCodes.InvalidDuration, "$.guardrails.autoReadAfter"),
                (ProblemCodes.InvalidTimeZone, "$.guardrails.storeTimeZone"),
                (ProblemCodes.InvalidTime, "$.guardrails.quietHours.from"),
                (ProblemCodes.InvalidSetting, "$.couponPools[0].discount.percent"),
                (ProblemCodes.MissingSetting, "$.couponPools[0].code"),
                (ProblemCodes.DuplicatePool, "$.couponPools[1].id"),
                (ProblemCodes.UnusedSetting, "$.couponPools[1].code"),
                (ProblemCodes.InvalidSetting, "$.couponPools[1].pattern"),
            ],
            problems);
    }

    [Fact]
    public void An_unknown_settings_property_is_an_error_not_ignored()
    {
        var problem = Assert.Single(Check("""{"guardrails": {"unreadCap": 3}}"""));
        Assert.Equal(ProblemCodes.UnknownProperty, problem.Code);
        Assert.Equal("$.guardrails.unreadCap", problem.Path);
    }
}
