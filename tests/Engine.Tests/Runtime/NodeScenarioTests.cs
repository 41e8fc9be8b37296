using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>Each node type's semantics, on the real engine over a SQLite file and a fake clock.</summary>
public sealed class NodeScenarioTests : IAsyncLifetime
{
    private EngineHarness h = null!;

    public async Task InitializeAsync() => h = await EngineHarness.CreateAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private static string Flow(string nodes, string edges, string extra = "") => $$"""
        { "id": "f", "name": "Test flow", {{extra}}
          "nodes": [ {{nodes}} ], "edges": [ {{edges}} ] }
        """;

    [Fact]
    public async Task Abandoned_cart_sends_a_rendered_chat_with_a_coupon_four_hours_later()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        await h.WithDbAsync(async db => db.Customers.Add(new CustomerRecord { Id = "c1", AttributesJson = """{"firstName":"Ana"}""" }));
        await h.SendAsync("cart.added", "c1", new { productId = "p-7", price = 19.9 });

        await h.AdvanceAsync(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(59));
        Assert.Empty(await h.MessagesAsync());

        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        var message = Assert.Single(await h.MessagesAsync());
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal(EngineHarness.Start.AddHours(4), message.DueAt);
        Assert.Equal(Engine.Model.Channel.Chat, message.Channel);
        Assert.Matches("^CART-[A-Z2-9]{8}$", message.CouponCode!);
        Assert.Equal($"Hi Ana, use {message.CouponCode} before Mar 16.", message.Body);

        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["start", "wait", "wait", "still", "send", "done"], (await h.StepsAsync(run.Id)).Select(s => s.NodeId));
    }

    [Fact]
    public async Task A_false_condition_takes_the_false_branch_and_sends_nothing()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        await h.SendAsync("cart.added", "c1", new { price = 10 });
        await h.SendAsync("cart.removed", "c1", new { price = 10 });

        await h.AdvanceAsync(TimeSpan.FromHours(5));

        Assert.Empty(await h.MessagesAsync());
        var steps = await h.StepsAsync(Assert.Single(await h.RunsAsync()).Id);
        Assert.Contains(steps, s => s.NodeId == "still" && s.Port == "false");
    }

    [Fact]
    public async Task An_exit_event_during_the_delay_ends_the_run_and_nothing_is_sent()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart.Replace("\"goal\": { \"event\": \"order.placed\", \"within\": \"P7D\" },", "", StringComparison.Ordinal));
        await h.SendAsync("cart.added", "c1", new { price = 10 });
        await h.AdvanceAsync(TimeSpan.FromHours(1));
        await h.SendAsync("order.placed", "c1", new { orderId = "o1", total = 10 });
        await h.AdvanceAsync(TimeSpan.FromHours(5));

        Assert.Empty(await h.MessagesAsync());
        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Exited, run.Status);
        Assert.Contains(await h.StepsAsync(run.Id), s => s.Outcome == StepOutcome.Exited);
    }

    [Fact]
    public async Task Reaching_the_goal_records_a_conversion_on_the_last_message_node_and_its_branch()
    {
        await h.PublishAsync(Flow(
            """
            { "id": "t", "type": "trigger", "on": "event", "event": "cart.added" },
            { "id": "ab", "type": "split", "kind": "random", "branches": [ { "label": "a", "weight": 1 }, { "label": "b", "weight": 1 } ] },
            { "id": "msg-a", "type": "action", "do": "send", "channel": "sms", "body": "A" },
            { "id": "msg-b", "type": "action", "do": "send", "channel": "sms", "body": "B" },
            { "id": "hold", "type": "delay", "for": "P3D" }
            """,
            """
            { "from": "t", "to": "ab" }, { "from": "ab", "to": "msg-a", "port": "a" }, { "from": "ab", "to": "msg-b", "port": "b" },
            { "from": "msg-a", "to": "hold" }, { "from": "msg-b", "to": "hold" }
            """,
            """ "goal": { "event": "order.placed", "within": "P7D" }, """));

        await h.SendAsync("cart.added", "c1");
        await h.AdvanceAsync(TimeSpan.FromDays(1));
        await h.SendAsync("order.placed", "c1", new { orderId = "o9", total = 30 });

        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Completed, run.Status);
        var conversion = Assert.Single(await h.StepsAsync(run.Id), s => s.Outcome == StepOutcome.Converted);
        Assert.Equal(run.LastMessageNodeId, conversion.NodeId);
        Assert.Equal(run.Branch, conversion.Port);
        Assert.Equal($"msg-{run.Branch}", conversion.NodeId);
    }

    [Fact]
    public async Task A_goal_outside_its_window_does_not_count()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart.Replace("\"exitOn\": [ { \"event\": \"order.placed\" } ],", "", StringComparison.Ordinal)
            .Replace("\"for\": \"PT4H\"", "\"for\": \"P10D\"", StringComparison.Ordinal));
        await h.SendAsync("cart.added", "c1", new { price = 10 });
        await h.AdvanceAsync(TimeSpan.FromDays(8));
        await h.SendAsync("order.placed", "c1", new { orderId = "o1" });

        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.DoesNotContain(await h.StepsAsync(run.Id), s => s.Outcome == StepOutcome.Converted);
    }

    private const string WaitFlow = """
        { "id": "w", "name": "Wait for a read",
          "nodes": [
            { "id": "t", "type": "trigger", "on": "event", "event": "order.placed" },
            { "id": "ask", "type": "action", "do": "send", "channel": "email", "title": "Rate us", "body": "How was order {{ event.properties.orderId }}?" },
            { "id": "read", "type": "wait", "event": "message.clicked", "filter": "event.Properties[\"link\"] == \"review\"", "timeout": "P2D" },
            { "id": "thanks", "type": "action", "do": "points", "points": 50 },
            { "id": "nudge", "type": "action", "do": "send", "channel": "push", "title": "Still there?", "body": "Your opinion helps: {{ event.type }}" }
          ],
          "edges": [ { "from": "t", "to": "ask" }, { "from": "ask", "to": "read" },
                     { "from": "read", "to": "thanks", "port": "event" }, { "from": "read", "to": "nudge", "port": "timeout" } ] }
        """;

    [Fact]
    public async Task A_wait_resumes_by_its_event_port_when_a_matching_event_arrives()
    {
        await h.PublishAsync(WaitFlow);
        await h.SendAsync("order.placed", "c1", new { orderId = "o1" });
        await h.AdvanceAsync(TimeSpan.FromHours(5));
        await h.SendAsync("message.clicked", "c1", new { link = "unsubscribe" });
        Assert.Equal(RunStatus.Waiting, Assert.Single(await h.RunsAsync()).Status);

        await h.SendAsync("message.clicked", "c1", new { link = "review" });

        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(50, (await h.CustomerAsync("c1"))!.Points);
        Assert.Equal("How was order o1?", Assert.Single(await h.MessagesAsync()).Body);
    }

    [Fact]
    public async Task A_wait_leaves_by_its_timeout_port_when_nothing_arrives()
    {
        await h.PublishAsync(WaitFlow);
        await h.SendAsync("order.placed", "c1", new { orderId = "o1" });
        await h.AdvanceAsync(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Single(await h.MessagesAsync());

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));

        var messages = await h.MessagesAsync();
        Assert.Equal(2, messages.Count);
        Assert.Equal("Your opinion helps: order.placed", messages[1].Body);
        Assert.Equal(EngineHarness.Start.AddDays(2), messages[1].DueAt);
        Assert.Contains(await h.StepsAsync(Assert.Single(await h.RunsAsync()).Id), s => s.NodeId == "read" && s.Port == "timeout");
    }

    [Fact]
    public async Task A_rules_split_takes_the_first_matching_branch_else_the_else_port()
    {
        await h.PublishAsync(Flow(
            """
            { "id": "t", "type": "trigger", "on": "event", "event": "order.placed" },
            { "id": "by-value", "type": "split", "kind": "rules", "branches": [
                { "label": "big", "expression": "customer.TotalSpent >= 100" },
                { "label": "repeat", "expression": "customer.OrderCount >= 2" } ] },
            { "id": "big", "type": "action", "do": "tag", "tag": "big" },
            { "id": "repeat", "type": "action", "do": "tag", "tag": "repeat" },
            { "id": "other", "type": "action", "do": "tag", "tag": "other" }
            """,
            """
            { "from": "t", "to": "by-value" }, { "from": "by-value", "to": "big", "port": "big" },
            { "from": "by-value", "to": "repeat", "port": "repeat" }, { "from": "by-value", "to": "other", "port": "else" }
            """,
            """ "entry": { "reentry": "always" }, """));

        await h.SendAsync("order.placed", "small", new { orderId = "1", total = 10 });
        await h.SendAsync("order.placed", "large", new { orderId = "2", total = 150 });
        await h.SendAsync("order.placed", "twice", new { orderId = "3", total = 10 });
        await h.SendAsync("order.placed", "twice", new { orderId = "4", total = 10 });

        Assert.Equal("[\"other\"]", (await h.CustomerAsync("small"))!.TagsJson);
        Assert.Equal("[\"big\"]", (await h.CustomerAsync("large"))!.TagsJson);
        Assert.Equal("[\"other\",\"repeat\"]", (await h.CustomerAsync("twice"))!.TagsJson);
    }

    [Fact]
    public async Task A_random_split_is_stable_per_customer_and_follows_the_weights()
    {
        await h.PublishAsync(Flow(
            """
            { "id": "t", "type": "trigger", "on": "event", "event": "store.followed" },
            { "id": "ab", "type": "split", "kind": "random", "branches": [ { "label": "holdout", "weight": 20 }, { "label": "treated", "weight": 80 } ] },
            { "id": "x", "type": "exit" }
            """,
            """{ "from": "t", "to": "ab" }, { "from": "ab", "to": "x", "port": "holdout" }, { "from": "ab", "to": "x", "port": "treated" }""",
            """ "entry": { "reentry": "always" }, """));

        var batch = Enumerable.Range(0, 1000).Select(i => h.Event("store.followed", $"c{i}")).ToList();
        await h.Engine.IngestAsync(batch);
        await h.Engine.IngestAsync([h.Event("store.followed", "c7"), h.Event("store.followed", "c7")]);

        var runs = await h.RunsAsync();
        var holdout = runs.Count(r => r.Branch == "holdout");
        Assert.InRange(holdout, 150, 250);
        Assert.Single(runs.Where(r => r.CustomerId == "c7").Select(r => r.Branch).Distinct());
    }

    [Fact]
    public async Task Tag_untag_set_and_points_update_the_profile()
    {
        await PublishProfileActionsAsync(delay: null);

        await h.SendAsync("order.placed", "c1", new { orderId = "o1", total = 21.5 });

        AssertProfileActionsApplied((await h.CustomerAsync("c1"))!);
    }

    [Fact]
    public async Task Profile_actions_after_a_delay_are_written_by_the_tick()
    {
        // The tick reads profiles untracked; each action must still land in the store.
        await PublishProfileActionsAsync(delay: "PT2H");
        await h.SendAsync("order.placed", "c1", new { orderId = "o1", total = 21.5 });

        await h.AdvanceAsync(TimeSpan.FromHours(3));

        AssertProfileActionsApplied((await h.CustomerAsync("c1"))!);
        Assert.All(await h.RunsAsync(), r => Assert.Equal(RunStatus.Completed, r.Status));
    }

    /// <summary>order.placed → (an optional delay) → tag buyer → untag lapsed → set lastOrderTotal → points −5, for c1 (tags lapsed and vip, 20 points).</summary>
    private async Task PublishProfileActionsAsync(string? delay)
    {
        var wait = delay is null ? "" : $$"""{ "id": "later", "type": "delay", "for": "{{delay}}" },""";
        var toActions = delay is null ? """{ "from": "t", "to": "tag" }""" : """{ "from": "t", "to": "later" }, { "from": "later", "to": "tag" }""";
        await h.PublishAsync(Flow(
            $$"""
            { "id": "t", "type": "trigger", "on": "event", "event": "order.placed" },
            {{wait}}
            { "id": "tag", "type": "action", "do": "tag", "tag": "buyer" },
            { "id": "untag", "type": "action", "do": "untag", "tag": "lapsed" },
            { "id": "set", "type": "action", "do": "set", "attribute": "lastOrderTotal", "expression": "customer.TotalSpent * 2" },
            { "id": "points", "type": "action", "do": "points", "points": -5 }
            """,
            toActions + """, { "from": "tag", "to": "untag" }, { "from": "untag", "to": "set" }, { "from": "set", "to": "points" }"""));
        await h.WithDbAsync(async db => db.Customers.Add(new CustomerRecord { Id = "c1", TagsJson = """["lapsed","vip"]""", Points = 20 }));
    }

    private static void AssertProfileActionsApplied(CustomerRecord customer)
    {
        Assert.Equal("""["vip","buyer"]""", customer.TagsJson);
        Assert.Equal(15, customer.Points);
        Assert.Contains("\"lastOrderTotal\":\"43.0\"", customer.AttributesJson);
    }

    [Fact]
    public async Task An_expression_that_throws_fails_the_step_with_its_message_and_never_reads_as_false()
    {
        await h.PublishAsync(Flow(
            """
            { "id": "t", "type": "trigger", "on": "event", "event": "search.performed" },
            { "id": "long-query", "type": "condition", "expression": "event.Properties[\"query\"].Length > 3" },
            { "id": "yes", "type": "action", "do": "tag", "tag": "long" },
            { "id": "no", "type": "action", "do": "tag", "tag": "short" }
            """,
            """{ "from": "t", "to": "long-query" }, { "from": "long-query", "to": "yes", "port": "true" }, { "from": "long-query", "to": "no", "port": "false" }""",
            """ "entry": { "reentry": "always" }, """));

        await h.SendAsync("search.performed", "c1", new { page = 2 });

        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Failed, run.Status);
        var failed = Assert.Single(await h.StepsAsync(run.Id), s => s.Outcome == StepOutcome.Failed);
        Assert.Equal("long-query", failed.NodeId);
        Assert.Contains("event.Properties[\"query\"].Length > 3", failed.Detail);
        Assert.Equal("[]", (await h.CustomerAsync("c1"))!.TagsJson);
    }

    [Fact]
    public async Task A_trigger_filter_admits_only_matching_events()
    {
        await h.PublishAsync(Flow(
            """
            { "id": "t", "type": "trigger", "on": "event", "event": "product.viewed", "filter": "event.Properties.Number(\"price\") >= 50" },
            { "id": "x", "type": "exit" }
            """,
            """{ "from": "t", "to": "x" }""",
            """ "entry": { "reentry": "always" }, """));

        await h.SendAsync("product.viewed", "c1", new { price = 20 });
        await h.SendAsync("product.viewed", "c1", new { price = 80 });
        await h.SendAsync("product.viewed", "c1");

        Assert.Single(await h.RunsAsync());
    }
}
