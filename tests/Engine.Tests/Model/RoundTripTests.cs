using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Tests.Support;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Model;

public class RoundTripTests
{
    private static void AssertRoundTrips(string json)
    {
        var flow = FlowJson.Deserialize(json);
        var written = FlowJson.Serialize(flow);

        var expected = JsonNode.Parse(json);
        var actual = JsonNode.Parse(written);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Round trip changed the document.\nBefore:\n{json}\nAfter:\n{written}");

        // Writing what was read is a fixed point: a second trip changes nothing at all.
        Assert.Equal(written, FlowJson.Serialize(FlowJson.Deserialize(written)));
    }

    [Fact]
    public void A_flow_with_every_node_type_and_setting_reads_and_writes_back_unchanged() =>
        AssertRoundTrips(FlowSamples.EverySetting);

    [Fact]
    public void The_kitchen_sink_covers_every_node_type_and_every_kind()
    {
        var flow = FlowJson.Deserialize(FlowSamples.EverySetting);

        Assert.Equal(NodeTypes.All.Order(), flow.Nodes.Select(TypeName).Distinct().Order());
        Assert.Equal(Enum.GetValues<TriggerKind>(), flow.Nodes.OfType<TriggerNode>().Select(t => t.On).Distinct().Order());
        Assert.Equal(Enum.GetValues<SplitKind>(), flow.Nodes.OfType<SplitNode>().Select(s => s.Kind).Distinct().Order());
        Assert.Equal(Enum.GetValues<ActionKind>(), flow.Nodes.OfType<ActionNode>().Select(a => a.Do).Distinct().Order());
        Assert.Equal(Enum.GetValues<Channel>(), flow.Nodes.OfType<ActionNode>().Where(a => a.Channel is not null).Select(a => a.Channel!.Value).Distinct().Order());
        var delays = flow.Nodes.OfType<DelayNode>().ToList();
        Assert.Contains(delays, d => d.For is not null);
        Assert.Contains(delays, d => d.Until is not null);
        Assert.Contains(delays, d => d.UntilAttribute is not null && d.Offset is not null);
        Assert.NotNull(flow.Entry?.Cooldown);
        Assert.NotNull(flow.Goal?.Within);
        Assert.NotNull(flow.QuietHours);
        Assert.NotNull(flow.Caps?.FrequencyCap);
        Assert.NotNull(flow.Layout);
    }

    [Fact]
    public void The_kitchen_sink_is_itself_a_valid_flow()
    {
        var context = new FlowValidationContext { CouponPools = new HashSet<string> { "CART10" } };
        var result = FlowValidator.Default.Validate(FlowSamples.EverySetting, context);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("""{ "id": "t", "type": "trigger", "on": "event", "event": "cart.added", "filter": "event.Type == \"cart.added\"", "label": "Start" }""")]
    [InlineData("""{ "id": "t", "type": "trigger", "on": "schedule", "cron": "0 0 9 ? * MON", "timeZone": "America/New_York", "audience": "customer.OrderCount > 2" }""")]
    [InlineData("""{ "id": "t", "type": "trigger", "on": "date", "attribute": "signedUpAt", "at": "10:30" }""")]
    [InlineData("""{ "id": "c", "type": "condition", "expression": "customer.Points >= 100" }""")]
    [InlineData("""{ "id": "s", "type": "split", "kind": "rules", "branches": [ { "label": "gold", "expression": "customer.Tier == \"gold\"" } ] }""")]
    [InlineData("""{ "id": "s", "type": "split", "kind": "random", "branches": [ { "label": "holdout", "weight": 10 }, { "label": "treated", "weight": 90 } ] }""")]
    [InlineData("""{ "id": "d", "type": "delay", "for": "P1M" }""")]
    [InlineData("""{ "id": "d", "type": "delay", "until": "18:45" }""")]
    [InlineData("""{ "id": "d", "type": "delay", "untilAttribute": "birthday" }""")]
    [InlineData("""{ "id": "w", "type": "wait", "event": "message.read", "timeout": "PT12H" }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "send", "channel": "email", "title": "Hello ✨ “quoted” <b>", "body": "Line 1\nLine 2 — €10" }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "coupon", "coupon": { "pool": "BDAY" } }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "tag", "tag": "vip" }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "untag", "tag": "vip" }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "set", "attribute": "segment", "expression": "customer.Rfm.Segment" }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "points", "points": 250 }""")]
    [InlineData("""{ "id": "a", "type": "action", "do": "webhook", "url": "https://crm.example/hook?x=1&y=2", "payload": "{}" }""")]
    [InlineData("""{ "id": "x", "type": "exit", "label": "Done" }""")]
    public void Each_node_type_reads_and_writes_back_unchanged(string node) =>
        AssertRoundTrips($$"""{ "id": "f", "name": "F", "nodes": [ {{node}} ], "edges": [] }""");

    [Theory]
    [InlineData("""{ "id": "f", "name": "F", "nodes": [], "edges": [] }""")]
    [InlineData("""{ "id": "f", "name": "F", "entry": { "reentry": "never" }, "nodes": [], "edges": [] }""")]
    [InlineData("""{ "id": "f", "name": "F", "entry": { "reentry": "always" }, "nodes": [], "edges": [] }""")]
    [InlineData("""{ "id": "f", "name": "F", "goal": { "event": "order.placed" }, "nodes": [], "edges": [] }""")]
    [InlineData("""{ "id": "f", "name": "F", "caps": { "unreadChatCap": 0 }, "nodes": [], "edges": [] }""")]
    [InlineData("""{ "id": "f", "name": "F", "nodes": [], "edges": [], "layout": {} }""")]
    public void Optional_settings_are_written_only_when_given(string json) => AssertRoundTrips(json);

    public static TheoryData<string> ShippedFlows() => [.. RepoPaths.ShippedFlows().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(ShippedFlows))]
    public void Every_shipped_flow_reads_and_writes_back_unchanged(string file) =>
        AssertRoundTrips(File.ReadAllText(Path.Combine(RepoPaths.Workflows, file)));

    [Fact]
    public void Unknown_properties_are_errors_with_their_location_never_dropped()
    {
        var json = FlowSamples.AbandonedCart
            .Replace("\"for\": \"PT4H\"", "\"for\": \"PT4H\", \"durationMinutes\": 240", StringComparison.Ordinal)
            .Replace("\"name\":", "\"owner\": \"ana\", \"name\":", StringComparison.Ordinal);

        var read = JsonDocumentReader.ReadFlow(json);

        Assert.Null(read.Value);
        Assert.Collection(read.Problems.OrderBy(p => p.Path),
            p =>
            {
                Assert.Equal(ProblemCodes.UnknownProperty, p.Code);
                Assert.Equal("$.nodes[1].durationMinutes", p.Path);
                Assert.Equal("wait", p.NodeId);
                Assert.Contains("durationMinutes", p.Message);
            },
            p =>
            {
                Assert.Equal(ProblemCodes.UnknownProperty, p.Code);
                Assert.Equal("$.owner", p.Path);
                Assert.Null(p.NodeId);
            });
        Assert.Throws<System.Text.Json.JsonException>(() => FlowJson.Deserialize(json));
    }

    [Fact]
    public void An_unknown_node_type_is_an_error_on_that_node()
    {
        var json = FlowSamples.AbandonedCart.Replace("\"type\": \"delay\"", "\"type\": \"sleep\"", StringComparison.Ordinal);

        var problem = Assert.Single(JsonDocumentReader.ReadFlow(json).Problems);

        Assert.Equal(ProblemCodes.UnknownNodeType, problem.Code);
        Assert.Equal("wait", problem.NodeId);
        Assert.Contains("'sleep'", problem.Message);
        Assert.Contains("delay", problem.Message);
    }

    [Fact]
    public void Every_structural_defect_is_reported_at_once()
    {
        var flow = FlowSamples.Parse(FlowSamples.AbandonedCart);
        FlowSamples.Node(flow, "send")["channel"] = "pigeon";
        FlowSamples.Node(flow, "still").Remove("expression");
        FlowSamples.Node(flow, "wait")["for"] = 4;
        flow["edges"]!.AsArray().Add(new JsonObject { ["from"] = "send" });

        var problems = JsonDocumentReader.ReadFlow(flow.ToJsonString()).Problems;

        Assert.Contains(problems, p => p is { Code: ProblemCodes.InvalidValue, NodeId: "send" } && p.Message.Contains("chat, email, sms, push, whatsapp, webhook"));
        Assert.Contains(problems, p => p is { Code: ProblemCodes.MissingProperty, NodeId: "still" } && p.Message.Contains("'expression'"));
        Assert.Contains(problems, p => p is { Code: ProblemCodes.InvalidValue, NodeId: "wait" } && p.Message.Contains("text"));
        Assert.Contains(problems, p => p is { Code: ProblemCodes.MissingProperty, Path: "$.edges[5].to" });
        Assert.Equal(4, problems.Count);
    }

    private static string TypeName(FlowNode node) => node switch
    {
        TriggerNode => NodeTypes.Trigger,
        ConditionNode => NodeTypes.Condition,
        SplitNode => NodeTypes.Split,
        DelayNode => NodeTypes.Delay,
        WaitNode => NodeTypes.Wait,
        ActionNode => NodeTypes.Action,
        ExitNode => NodeTypes.Exit,
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
