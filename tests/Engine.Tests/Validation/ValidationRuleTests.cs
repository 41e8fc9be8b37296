using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Tests.Support;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Validation;

/// <summary>
/// Every validation rule with a failing example (one defect in an otherwise valid flow) and a
/// passing one (the nearest valid variant). Each case names the problem code and where it must point.
/// </summary>
public class ValidationRuleTests
{
    private static readonly FlowValidationContext Pools = new() { CouponPools = new HashSet<string> { "CART10", "BDAY" } };

    private sealed record Case(Action<JsonObject> Break, string Code, string Location, Action<JsonObject> Fix);

    private static JsonArray Nodes(JsonObject f) => f["nodes"]!.AsArray();

    private static JsonArray Edges(JsonObject f) => f["edges"]!.AsArray();

    private static JsonObject N(JsonObject f, string id) => FlowSamples.Node(f, id);

    private static JsonObject Edge(JsonObject f, string from, string to) =>
        Edges(f).Select(e => e!.AsObject()).Single(e => (string?)e["from"] == from && (string?)e["to"] == to);

    private static void Unchanged(JsonObject f)
    {
    }

    private static JsonObject ScheduleTrigger(JsonObject f)
    {
        var start = N(f, "start");
        start["on"] = "schedule";
        start.Remove("event");
        start["cron"] = "0 0 10 * * ?";
        start["timeZone"] = "Europe/London";
        start["audience"] = "customer.DaysSinceLastOrder >= 35";
        return start;
    }

    private static void RandomSplit(JsonObject f)
    {
        var still = N(f, "still");
        still["type"] = "split";
        still.Remove("expression");
        still["kind"] = "random";
        still["branches"] = new JsonArray(
            new JsonObject { ["label"] = "true", ["weight"] = 50 },
            new JsonObject { ["label"] = "false", ["weight"] = 40 },
            new JsonObject { ["label"] = "holdout", ["weight"] = 10 });
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["unknown node type"] = new(f => N(f, "done")["type"] = "finish", ProblemCodes.UnknownNodeType, "done", Unchanged),
        ["edge to a missing node"] = new(f => Edge(f, "send", "done")["to"] = "thank-you", ProblemCodes.EdgeMissingNode, "send", Unchanged),
        ["edge from a missing node"] = new(f => Edge(f, "send", "done")["from"] = "sned", ProblemCodes.EdgeMissingNode, "sned", f => { }),
        ["port that does not exist"] = new(f => Edge(f, "still", "done")["port"] = "no", ProblemCodes.BadPort, "still", f => Edge(f, "still", "done")["port"] = "false"),
        ["port on a single-exit node"] = new(f => Edge(f, "start", "wait")["port"] = "true", ProblemCodes.BadPort, "start", Unchanged),
        ["two edges from one port"] = new(f => Edges(f).Add(new JsonObject { ["from"] = "still", ["to"] = "done", ["port"] = "true" }), ProblemCodes.DuplicatePort, "still", Unchanged),
        ["duplicate node id"] = new(f => Nodes(f).Add(new JsonObject { ["id"] = "done", ["type"] = "exit" }), ProblemCodes.DuplicateNodeId, "done", Unchanged),
        ["condition missing a branch"] = new(f => Edges(f).Remove(Edge(f, "still", "done")), ProblemCodes.MissingBranch, "still", Unchanged),
        ["split missing a branch"] = new(RandomSplit, ProblemCodes.MissingBranch, "still",
            f => { RandomSplit(f); Edges(f).Add(new JsonObject { ["from"] = "still", ["to"] = "done", ["port"] = "holdout" }); }),
        ["unreachable node"] = new(f => Nodes(f).Add(new JsonObject { ["id"] = "orphan", ["type"] = "exit" }), ProblemCodes.Unreachable, "orphan",
            f => { Nodes(f).Add(new JsonObject { ["id"] = "orphan", ["type"] = "exit" }); Edge(f, "send", "done")["to"] = "orphan"; }),
        ["cycle without a delay"] = new(f => Edge(f, "send", "done")["to"] = "still", ProblemCodes.CycleWithoutDelay, "still",
            f => Edge(f, "send", "done")["to"] = "wait"),
        ["no trigger"] = new(f => { Nodes(f).Remove(N(f, "start")); Edges(f).Remove(Edge(f, "start", "wait")); }, ProblemCodes.NoTrigger, "$.nodes", Unchanged),
        ["edge into a trigger"] = new(f => Edge(f, "send", "done")["to"] = "start", ProblemCodes.EdgeIntoTrigger, "start", Unchanged),
        ["bad duration"] = new(f => N(f, "wait")["for"] = "4 hours", ProblemCodes.InvalidDuration, "wait", f => N(f, "wait")["for"] = "PT4H30M"),
        ["zero duration"] = new(f => N(f, "wait")["for"] = "PT0S", ProblemCodes.InvalidDuration, "wait", f => N(f, "wait")["for"] = "P2W"),
        ["bad cron"] = new(f => ScheduleTrigger(f)["cron"] = "0 0 25 * * ?", ProblemCodes.InvalidCron, "start", f => ScheduleTrigger(f)["cron"] = "0 30 9 ? * MON-FRI"),
        ["cron with five fields"] = new(f => ScheduleTrigger(f)["cron"] = "0 10 * * *", ProblemCodes.InvalidCron, "start", f => ScheduleTrigger(f)),
        ["bad time zone"] = new(f => ScheduleTrigger(f)["timeZone"] = "Mars/Olympus", ProblemCodes.InvalidTimeZone, "start", f => ScheduleTrigger(f)["timeZone"] = "Asia/Ho_Chi_Minh"),
        ["bad time of day"] = new(f => { N(f, "wait").Remove("for"); N(f, "wait")["until"] = "25:00"; }, ProblemCodes.InvalidTime, "wait", f => { N(f, "wait").Remove("for"); N(f, "wait")["until"] = "23:59"; }),
        ["expression naming an unknown member"] = new(f => N(f, "still")["expression"] = "customer.CartValu > 0", ProblemCodes.InvalidExpression, "still", f => N(f, "still")["expression"] = "customer.CartValue > 0"),
        ["expression that is not true/false"] = new(f => N(f, "still")["expression"] = "customer.CartValue", ProblemCodes.InvalidExpression, "still", f => N(f, "still")["expression"] = "customer.CartValue != 0"),
        ["expression with a syntax error"] = new(f => N(f, "still")["expression"] = "customer.CartValue > ", ProblemCodes.InvalidExpression, "still", Unchanged),
        ["expression reaching the file system"] = new(f => N(f, "still")["expression"] = "System.IO.File.Exists(\"/etc/passwd\")", ProblemCodes.ForbiddenExpression, "still", Unchanged),
        ["expression using reflection"] = new(f => N(f, "still")["expression"] = "customer.GetType().Assembly != null", ProblemCodes.ForbiddenExpression, "still", Unchanged),
        ["expression with a bad window"] = new(f => N(f, "still")["expression"] = "customer.CountEvents(\"product.viewed\", \"7 days\") > 2", ProblemCodes.InvalidExpression, "still",
            f => N(f, "still")["expression"] = "customer.CountEvents(\"product.viewed\", \"P7D\") > 2"),
        ["template that does not parse"] = new(f => N(f, "send")["body"] = "Hi {{ customer.firstName }", ProblemCodes.InvalidTemplate, "send", f => N(f, "send")["body"] = "Hi {% if customer.firstName %}{{ customer.firstName }}{% endif %}"),
        ["chat title over 40 characters"] = new(f => N(f, "send")["title"] = new string('x', 41), ProblemCodes.TitleTooLong, "send", f => N(f, "send")["title"] = new string('x', 39) + "🛒"),
        ["coupon pool that does not exist"] = new(f => N(f, "send")["coupon"]!["pool"] = "CART99", ProblemCodes.UnknownCouponPool, "send", f => N(f, "send")["coupon"]!["pool"] = "BDAY"),
        ["send without a body"] = new(f => N(f, "send").Remove("body"), ProblemCodes.MissingSetting, "send", Unchanged),
        ["chat without a title"] = new(f => N(f, "send").Remove("title"), ProblemCodes.MissingSetting, "send", f => { N(f, "send").Remove("title"); N(f, "send")["channel"] = "sms"; }),
        ["event trigger without an event"] = new(f => N(f, "start").Remove("event"), ProblemCodes.MissingSetting, "start", Unchanged),
        ["setting of another kind"] = new(f => N(f, "start")["cron"] = "0 0 10 * * ?", ProblemCodes.UnusedSetting, "start", Unchanged),
        ["delay of two kinds"] = new(f => N(f, "wait")["until"] = "10:00", ProblemCodes.InvalidSetting, "wait", Unchanged),
        ["reentry after without cooldown"] = new(f => f["entry"]!.AsObject().Remove("cooldown"), ProblemCodes.MissingSetting, "$.entry.cooldown", f => f["entry"] = new JsonObject { ["reentry"] = "always" }),
        ["flow id with spaces"] = new(f => f["id"] = "Abandoned Cart", ProblemCodes.InvalidId, "$.id", f => f["id"] = "abandoned-cart-2"),
        ["webhook to a relative url"] = new(
            f => { var s = N(f, "send"); s.Clear(); s["id"] = "send"; s["type"] = "action"; s["do"] = "webhook"; s["url"] = "/hooks/x"; },
            ProblemCodes.InvalidUrl, "send",
            f => { var s = N(f, "send"); s.Clear(); s["id"] = "send"; s["type"] = "action"; s["do"] = "webhook"; s["url"] = "https://hooks.example/x"; }),
        ["rules split with a branch named else"] = new(
            f =>
            {
                var still = N(f, "still");
                still["type"] = "split";
                still.Remove("expression");
                still["kind"] = "rules";
                still["branches"] = new JsonArray(new JsonObject { ["label"] = "true", ["expression"] = "customer.CartValue > 0" }, new JsonObject { ["label"] = "else", ["expression"] = "true" });
                Edge(f, "still", "done")["port"] = "else";
            },
            ProblemCodes.DuplicateBranch, "still",
            f =>
            {
                var still = N(f, "still");
                still["type"] = "split";
                still.Remove("expression");
                still["kind"] = "rules";
                still["branches"] = new JsonArray(new JsonObject { ["label"] = "true", ["expression"] = "customer.CartValue > 0" });
                Edge(f, "still", "done")["port"] = "else";
            }),
        ["zero points"] = new(
            f => { var s = N(f, "send"); s.Clear(); s["id"] = "send"; s["type"] = "action"; s["do"] = "points"; s["points"] = 0; },
            ProblemCodes.InvalidSetting, "send",
            f => { var s = N(f, "send"); s.Clear(); s["id"] = "send"; s["type"] = "action"; s["do"] = "points"; s["points"] = -10; }),
        ["empty quiet hours"] = new(f => f["quietHours"] = new JsonObject { ["from"] = "21:00", ["to"] = "21:00" }, ProblemCodes.InvalidTime, "$.quietHours",
            f => f["quietHours"] = new JsonObject { ["from"] = "21:00", ["to"] = "08:00" }),
        ["goal filter that does not compile"] = new(f => f["goal"]!["filter"] = "event.Total > 10", ProblemCodes.InvalidExpression, "$.goal.filter",
            f => f["goal"]!["filter"] = "event.Properties.Number(\"total\") > 10"),
        ["wrong value type"] = new(f => N(f, "wait")["for"] = 4, ProblemCodes.InvalidValue, "wait", Unchanged),
        ["unknown property"] = new(f => N(f, "wait")["minutes"] = 240, ProblemCodes.UnknownProperty, "wait", Unchanged),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Fact]
    public void The_baseline_flow_is_valid()
    {
        var result = FlowValidator.Default.Validate(FlowSamples.AbandonedCart, Pools);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void One_defect_is_reported_with_its_code_and_location(string name)
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        Cases[name].Break(flow);

        var result = FlowValidator.Default.Validate(flow.ToJsonString(), Pools);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems, p => p.Code == Cases[name].Code);
        Assert.Equal(Cases[name].Location, problem.Location);
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
        Assert.DoesNotContain("Input", problem.Message, StringComparison.Ordinal); // CLR type names are translated
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_nearest_valid_variant_passes(string name)
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        Cases[name].Fix(flow);

        var result = FlowValidator.Default.Validate(flow.ToJsonString(), Pools);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Malformed_json_reports_line_and_column()
    {
        const string json = "{\n  \"id\": \"x\",\n  \"name\": \"y\"\n  \"nodes\": []\n}";

        var problem = Assert.Single(FlowValidator.Default.Validate(json).Problems);

        Assert.Equal(ProblemCodes.MalformedJson, problem.Code);
        Assert.Equal(4, problem.Line);
        Assert.Equal(3, problem.Column);
        Assert.Equal("line 4, column 3", problem.Location);
    }

    [Fact]
    public void A_truncated_file_reports_where_it_stops()
    {
        var json = FlowSamples.AbandonedCart[..FlowSamples.AbandonedCart.IndexOf("\"edges\"", StringComparison.Ordinal)];

        var problem = Assert.Single(FlowValidator.Default.Validate(json).Problems);

        Assert.Equal(ProblemCodes.MalformedJson, problem.Code);
        Assert.True(problem.Line > 10);
    }

    [Fact]
    public void All_problems_of_a_flow_come_back_together()
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        N(flow, "wait")["for"] = "soon";
        N(flow, "still")["expression"] = "customer.Nope";
        N(flow, "send")["title"] = new string('a', 50);
        Nodes(flow).Add(new JsonObject { ["id"] = "orphan", ["type"] = "exit" });

        var codes = FlowValidator.Default.Validate(flow.ToJsonString(), Pools).Problems.Select(p => p.Code).Order();

        Assert.Equal(new[] { ProblemCodes.InvalidDuration, ProblemCodes.InvalidExpression, ProblemCodes.TitleTooLong, ProblemCodes.Unreachable }.Order(), codes);
    }

    [Fact]
    public void A_wait_without_its_timeout_branch_is_a_warning_not_an_error()
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        var wait = N(flow, "wait");
        wait.Remove("for");
        wait["type"] = "wait";
        wait["event"] = "message.read";
        wait["timeout"] = "PT4H";
        Edge(flow, "wait", "still")["port"] = "timeout";

        var result = FlowValidator.Default.Validate(flow.ToJsonString(), Pools);

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal("wait", warning.NodeId);
    }

    [Fact]
    public void Without_a_pool_catalogue_coupon_pools_are_not_checked()
    {
        var result = FlowValidator.Default.Validate(FlowSamples.AbandonedCart.Replace("CART10", "ANY", StringComparison.Ordinal));
        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("goal")]
    [InlineData("exitOn")]
    public void A_wait_for_an_event_that_ends_the_run_warns_that_its_event_branch_is_never_taken(string ender)
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        var wait = N(flow, "wait");
        wait.Remove("for");
        wait["type"] = "wait";
        wait["event"] = ender == "goal" ? "order.placed" : "cart.removed";
        wait["timeout"] = "PT4H";
        Edge(flow, "wait", "still")["port"] = "timeout";
        Edges(flow).Add(new JsonObject { ["from"] = "wait", ["to"] = "done", ["port"] = "event" });
        if (ender == "exitOn")
            flow["exitOn"] = new JsonArray(new JsonObject { ["event"] = "cart.removed" });

        var result = FlowValidator.Default.Validate(flow.ToJsonString(), Pools);

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Problems);
        Assert.Equal((ProblemCodes.UnreachableBranch, "wait", ProblemSeverity.Warning), (warning.Code, warning.Location, warning.Severity));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("never", true)]
    [InlineData("after", false)]
    public void A_yearly_date_trigger_that_admits_each_customer_once_warns(string? reentry, bool warns)
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        var start = N(flow, "start");
        start["on"] = "date";
        start.Remove("event");
        start["attribute"] = "birthday";
        flow["entry"] = reentry is null ? null : new JsonObject { ["reentry"] = reentry, ["cooldown"] = reentry == "after" ? "P300D" : null };
        if (reentry is null)
            flow.Remove("entry");
        if (reentry == "never")
            flow["entry"]!.AsObject().Remove("cooldown");

        var problems = FlowValidator.Default.Validate(flow.ToJsonString(), Pools).Problems;

        Assert.Equal(warns, problems.Any(p => p is { Code: ProblemCodes.EntersOnce, NodeId: "start", Severity: ProblemSeverity.Warning }));
        Assert.DoesNotContain(problems, p => p.Severity == ProblemSeverity.Error);
    }
}
