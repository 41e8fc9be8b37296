using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Guardrails;

/// <summary><c>unreadCapAction: wait</c>: a chat beyond the unread cap waits for a read instead of being suppressed.</summary>
public class UnreadCapWaitTests
{
    private static readonly DateTimeOffset T = EngineHarness.Start;

    private const string ChatOnView = """
        { "id": "chat-on-view", "name": "Chat on view", "entry": { "reentry": "always" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "product.viewed" },
                     { "id": "m", "type": "action", "do": "send", "channel": "chat", "title": "Still thinking?", "body": "Code {{ coupon.code }}", "coupon": { "pool": "CART10" } },
                     { "id": "x", "type": "exit" } ],
          "edges": [ { "from": "t", "to": "m" }, { "from": "m", "to": "x" } ] }
        """;

    private static StoreSettings Wait() => new()
    {
        Guardrails = new GuardrailSettings { UnreadChatCap = 2, UnreadCapAction = UnreadCapAction.Wait, AutoReadAfter = "P5D" },
        CouponPools = [new CouponPoolDefinition { Id = "CART10", Pattern = "CART-########" }],
    };

    private static async Task<List<MessageRecord>> SentAsync(EngineHarness h) =>
        [.. (await h.MessagesAsync()).Where(m => m.Status == MessageStatus.Sent)];

    [Fact]
    public async Task A_chat_beyond_the_cap_waits_for_a_read_then_goes_out_with_its_coupon()
    {
        await using var h = await EngineHarness.CreateAsync(Wait());
        await h.PublishAsync(ChatOnView);
        await h.SendAsync("product.viewed", "c1");
        h.Clock.SetUtcNow(T.AddMinutes(10));
        await h.SendAsync("product.viewed", "c1");
        h.Clock.SetUtcNow(T.AddMinutes(20));
        await h.SendAsync("product.viewed", "c1");

        Assert.Equal(2, (await h.MessagesAsync()).Count);   // no suppressed row, no coupon: the third is held
        var held = (await h.RunsAsync()).Single(r => r.Status == RunStatus.Waiting);
        Assert.Equal(("m", "message.read", T.AddDays(5)), (held.NodeId, held.AwaitEvent, held.WakeAt!.Value));
        var step = (await h.StepsAsync(held.Id)).Last();
        Assert.Equal(StepOutcome.Waiting, step.Outcome);
        Assert.StartsWith("held: unread-cap", step.Detail, StringComparison.Ordinal);

        h.Clock.SetUtcNow(T.AddMinutes(30));
        await h.SendAsync("message.read", "c1", new { channel = "chat" });

        var sent = await SentAsync(h);
        Assert.Equal(3, sent.Count);
        Assert.Equal(T.AddMinutes(30), sent[2].DueAt);
        Assert.Equal(3, sent.Select(m => m.CouponCode).Distinct().Count());
        Assert.All(await h.RunsAsync(), r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.DoesNotContain(await h.MessagesAsync(), m => m.Status == MessageStatus.Suppressed);
    }

    [Fact]
    public async Task A_held_chat_goes_out_when_the_oldest_unread_one_reads_itself_after_five_days()
    {
        await using var h = await EngineHarness.CreateAsync(Wait());
        await h.PublishAsync(ChatOnView);
        await h.SendAsync("product.viewed", "c1");
        h.Clock.SetUtcNow(T.AddHours(1));
        await h.SendAsync("product.viewed", "c1");
        h.Clock.SetUtcNow(T.AddHours(2));
        await h.SendAsync("product.viewed", "c1");
        h.Clock.SetUtcNow(T.AddHours(3));
        await h.SendAsync("product.viewed", "c1");   // two held now

        await h.AdvanceAsync(TimeSpan.FromDays(5) - TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await SentAsync(h)).Count);

        await h.AdvanceAsync(TimeSpan.FromHours(2));

        // At T+5d the first chat reads itself: one held chat fits; the other waits for the second (T+1h+5d).
        Assert.Equal([T, T.AddHours(1), T.AddDays(5), T.AddDays(5).AddHours(1)], (await SentAsync(h)).Select(m => m.DueAt));
        Assert.All(await h.RunsAsync(), r => Assert.Equal(RunStatus.Completed, r.Status));
    }

    [Fact]
    public async Task A_flow_can_choose_to_wait_where_the_store_skips()
    {
        await using var h = await EngineHarness.CreateAsync(Wait() with { Guardrails = new GuardrailSettings { UnreadChatCap = 1 } });
        await h.PublishAsync(ChatOnView.Replace("\"entry\":", "\"caps\": { \"unreadCapAction\": \"wait\" }, \"entry\":", StringComparison.Ordinal));
        await h.SendAsync("product.viewed", "c1");
        h.Clock.SetUtcNow(T.AddMinutes(5));
        await h.SendAsync("product.viewed", "c1");

        Assert.Single(await h.MessagesAsync());
        Assert.Equal("m", (await h.RunsAsync()).Single(r => r.Status == RunStatus.Waiting).NodeId);
    }

    [Fact]
    public void A_flow_that_waits_needs_an_unread_cap_above_zero()
    {
        var flow = FlowJson.Deserialize(ChatOnView.Replace("\"entry\":", "\"caps\": { \"unreadChatCap\": 0, \"unreadCapAction\": \"wait\" }, \"entry\":", StringComparison.Ordinal));

        var problem = Assert.Single(FlowValidator.Default.Validate(flow, new FlowValidationContext { CouponPools = new HashSet<string> { "CART10" } }));

        Assert.Equal(("$.caps.unreadCapAction", ProblemCodes.InvalidSetting), (problem.Path, problem.Code));
    }

    [Fact]
    public void Waiting_needs_a_cap_that_lets_a_chat_be_read_first()
    {
        var problems = SettingsValidator.Validate(new StoreSettings { Guardrails = new GuardrailSettings { UnreadChatCap = 0, UnreadCapAction = UnreadCapAction.Wait } });

        var problem = Assert.Single(problems);
        Assert.Equal(("$.guardrails.unreadCapAction", ProblemCodes.InvalidSetting), (problem.Path, problem.Code));
        Assert.Empty(SettingsValidator.Validate(System.Text.Json.JsonSerializer.Deserialize<StoreSettings>("""{ "guardrails": { "unreadCapAction": "wait" } }""", FlowJson.Options)!));
    }
}
