using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>Entry rules, idempotent replay, identity, pause/resume/finish and versions.</summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private EngineHarness h = null!;

    public async Task InitializeAsync() => h = await EngineHarness.CreateAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private static string Greeting(string reentry) => $$"""
        { "id": "greet", "name": "Greet on follow", {{reentry}}
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "store.followed" },
                     { "id": "hi", "type": "action", "do": "send", "channel": "push", "title": "Hi", "body": "Thanks for following" },
                     { "id": "pause", "type": "delay", "for": "P1D" } ],
          "edges": [ { "from": "t", "to": "hi" }, { "from": "hi", "to": "pause" } ] }
        """;

    [Fact]
    public async Task Reentry_never_admits_a_customer_once_ever()
    {
        await h.PublishAsync(Greeting(""" "entry": { "reentry": "never" }, """));
        await h.SendAsync("store.followed", "c1");
        await h.AdvanceAsync(TimeSpan.FromDays(3));
        await h.SendAsync("store.followed", "c1");

        Assert.Single(await h.RunsAsync());
    }

    [Fact]
    public async Task Reentry_always_starts_a_run_per_trigger_event_even_while_one_is_under_way()
    {
        await h.PublishAsync(Greeting(""" "entry": { "reentry": "always" }, """));
        await h.SendAsync("store.followed", "c1");
        await h.SendAsync("store.followed", "c1");

        Assert.Equal(2, (await h.RunsAsync()).Count);
    }

    [Fact]
    public async Task Reentry_after_a_cooldown_waits_for_the_run_to_end_and_the_cooldown_to_pass()
    {
        await h.PublishAsync(Greeting(""" "entry": { "reentry": "after", "cooldown": "P3D" }, """));
        await h.SendAsync("store.followed", "c1");
        await h.SendAsync("store.followed", "c1");                // run under way
        await h.AdvanceAsync(TimeSpan.FromDays(2));
        await h.SendAsync("store.followed", "c1");                // run over, cooldown not
        await h.AdvanceAsync(TimeSpan.FromDays(1));
        await h.SendAsync("store.followed", "c1");                // 3 days after the entry
        await h.AdvanceAsync(TimeSpan.FromDays(2));
        await h.SendAsync("store.followed", "c1");                // 2 days after the second entry

        var runs = await h.RunsAsync();
        Assert.Equal(2, runs.Count);
        Assert.Equal(EngineHarness.Start.AddDays(3), runs[1].EnteredAt);
        await using var db = h.Databases.CreateDbContext();
        var entries = CustomerEntries.Parse(await db.Customers.AsNoTracking().SingleAsync(c => c.Id == "c1"));
        Assert.Equal(new FlowEntry(EngineHarness.Start.AddDays(3), 2), entries.Of(runs[0].FlowId));
    }

    [Fact]
    public async Task Replaying_the_same_events_twice_changes_nothing()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        var events = new[]
        {
            h.Event("cart.added", "c1", new { price = 12 }, "a1"),
            h.Event("order.placed", "c2", new { orderId = "o1", total = 40 }, "a2"),
            h.Event("cart.added", "c2", new { price = 7 }, "a3"),
        };

        await h.Engine.IngestAsync(events);
        await h.AdvanceAsync(TimeSpan.FromHours(5));
        var before = await SnapshotAsync();

        var again = await h.Engine.IngestAsync(events);
        await h.AdvanceAsync(TimeSpan.FromHours(5));

        Assert.All(again, o => Assert.Equal(IngestStatus.Duplicate, o.Status));
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = h.Databases.CreateDbContext();
        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.OrderCount, c.TotalSpent, c.CartValue }).ToListAsync();
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            events = await db.Events.CountAsync(),
            runs = await db.Runs.CountAsync(),
            steps = await db.NodeCounts.SumAsync(c => c.Count),
            logs = await db.Runs.SumAsync(r => r.Log.Length),
            messages = await db.Messages.CountAsync(),
            customers,
        });
    }

    [Fact]
    public async Task Bad_events_are_rejected_by_index_and_the_good_ones_kept()
    {
        var outcomes = await h.Engine.IngestAsync(
        [
            h.Event("cart.added", "c1"),
            h.Event("", "c1"),
            h.Event("cart.added", null),
            h.Event("cart.added", "c2") with { OccurredAt = null },
        ]);

        Assert.Equal([IngestStatus.Accepted, IngestStatus.Rejected, IngestStatus.Rejected, IngestStatus.Rejected], outcomes.Select(o => o.Status));
        Assert.Contains("'type'", outcomes[1].Error);
        Assert.Contains("customerId", outcomes[2].Error);
        Assert.Contains("occurredAt", outcomes[3].Error);
        await using var db = h.Databases.CreateDbContext();
        Assert.Equal(1, await db.Events.CountAsync());
    }

    [Fact]
    public async Task Identify_merges_the_anonymous_profile_into_the_customer_without_duplicates()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        await h.SendAsync("product.viewed", null!, new { productId = "p1" }, anonymousId: "browser-1");
        await h.SendAsync("cart.added", null!, new { price = 30 }, anonymousId: "browser-1");
        await h.SendAsync("order.placed", "42", new { orderId = "o-1", total = 100 });

        await h.SendAsync("identify", "42", new { email = "ana@example.com", firstName = "Ana" }, anonymousId: "browser-1");
        await h.SendAsync("product.viewed", null!, new { productId = "p2" }, anonymousId: "browser-1");

        await using var db = h.Databases.CreateDbContext();
        var customers = await db.Customers.AsNoTracking().ToListAsync();
        var customer = Assert.Single(customers);
        Assert.Equal("42", customer.Id);
        Assert.Equal("ana@example.com", customer.Email);
        Assert.Equal(1, customer.OrderCount);
        Assert.Equal(30, customer.CartValue);
        Assert.Contains("\"firstName\":\"Ana\"", customer.AttributesJson);
        Assert.All(await db.Events.AsNoTracking().ToListAsync(), e => Assert.Equal("42", e.CustomerId));
        Assert.All(await db.Runs.AsNoTracking().ToListAsync(), r => Assert.Equal("42", r.CustomerId));
        Assert.Equal(5, await db.Events.CountAsync());
    }

    [Fact]
    public async Task A_profiles_indexed_email_and_time_zone_are_written_when_they_change_and_kept_when_other_facts_do()
    {
        await h.SendAsync("product.viewed", "c1");
        Assert.Equal(IngestStatus.Accepted, (await h.SendAsync("customer.signed_up", "c1", new { email = "ana@example.com", timeZone = "Europe/Lisbon" })).Status);
        await h.SendAsync("cart.added", "c1", new { price = 12 });   // other facts only
        Assert.Equal(("ana@example.com", "Europe/Lisbon", 12m), await StoredAsync("ana@example.com"));

        Assert.Equal(IngestStatus.Accepted, (await h.SendAsync("identify", "c1", new { email = "ana@shop.example", timeZone = "Asia/Tokyo" }, anonymousId: "browser-1")).Status);
        Assert.Equal(("ana@shop.example", "Asia/Tokyo", 12m), await StoredAsync("ana@shop.example"));
        Assert.Null(await StoredAsync("ana@example.com"));

        async Task<(string?, string?, decimal)?> StoredAsync(string email)
        {
            // Found through the email's index, as a look-up by email finds a profile.
            await using var db = h.Databases.CreateDbContext();
            var found = await db.Customers.AsNoTracking().Where(c => c.Email == email && c.TimeZone != null).ToListAsync();
            return found.Count == 0 ? null : (found[0].Email, found[0].TimeZone, found[0].CartValue);
        }
    }

    [Fact]
    public async Task Facts_follow_their_definitions()
    {
        await h.SendAsync("cart.added", "c1", new { price = 10, quantity = 3 });
        await h.SendAsync("cart.removed", "c1", new { price = 10 });
        Assert.Equal(20, (await h.CustomerAsync("c1"))!.CartValue);

        await h.SendAsync("order.placed", "c1", new { orderId = "A", total = 50 });
        await h.SendAsync("order.placed", "c1", new { orderId = "A", total = 50 });   // the same order again
        await h.SendAsync("order.placed", "c1", new { orderId = "B", items = new[] { new { price = 5, quantity = 2 } } });
        h.Clock.Advance(TimeSpan.FromDays(3.5));
        await h.SendAsync("product.viewed", "c1");

        var c = (await h.CustomerAsync("c1"))!;
        Assert.Equal(2, c.OrderCount);
        Assert.Equal(60, c.TotalSpent);
        Assert.Equal(0, c.CartValue);
        var input = CustomerProfile.ToInput(c, h.Clock.GetUtcNow(), counter: null, "UTC");
        Assert.Equal(3, input.DaysSinceLastOrder);
        Assert.Equal(0, input.DaysSinceLastSeen);
        Assert.Equal(30, input.AverageOrderValue);
    }

    [Fact]
    public async Task Count_of_events_in_a_window_sees_only_that_window()
    {
        await h.PublishAsync("""
            { "id": "browse", "name": "Browsed a lot", "entry": { "reentry": "always" },
              "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "product.viewed",
                           "filter": "customer.CountEvents(\"product.viewed\", \"P1D\") >= 3" },
                         { "id": "x", "type": "exit" } ],
              "edges": [ { "from": "t", "to": "x" } ] }
            """);
        await h.SendAsync("product.viewed", "c1");
        await h.SendAsync("product.viewed", "c1");
        h.Clock.Advance(TimeSpan.FromDays(2));
        await h.SendAsync("product.viewed", "c1");
        Assert.Empty(await h.RunsAsync());

        await h.SendAsync("product.viewed", "c1");
        await h.SendAsync("product.viewed", "c1");
        Assert.Single(await h.RunsAsync());
    }

    [Fact]
    public async Task A_paused_flow_admits_no_one_advances_nothing_and_sends_nothing_until_resumed()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        await h.SendAsync("cart.added", "c1", new { price = 10 });
        await h.WithDbAsync(async db => Assert.True((await FlowControl.PauseAsync(db, "abandoned-cart", h.Clock.GetUtcNow())).Changed));

        await h.SendAsync("cart.added", "c2", new { price = 10 });
        await h.AdvanceAsync(TimeSpan.FromHours(6));
        Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Waiting, (await h.RunsAsync())[0].Status);
        Assert.Empty(await h.MessagesAsync());

        await h.WithDbAsync(async db => Assert.False((await FlowControl.PauseAsync(db, "abandoned-cart", h.Clock.GetUtcNow())).Changed));
        await h.WithDbAsync(async db => await FlowControl.ResumeAsync(db, "abandoned-cart", h.Clock.GetUtcNow()));
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));

        var message = Assert.Single(await h.MessagesAsync());
        Assert.Equal("c1", message.CustomerId);
        Assert.Equal(MessageStatus.Sent, message.Status);
    }

    [Fact]
    public async Task A_message_queued_before_a_pause_is_skipped_when_its_moment_passed_long_ago()
    {
        await h.PublishAsync(Greeting(""" "entry": { "reentry": "always" }, """));
        await h.WithDbAsync(async db => await FlowControl.PauseAsync(db, "greet", h.Clock.GetUtcNow()));
        await h.WithDbAsync(async db => await FlowControl.ResumeAsync(db, "greet", h.Clock.GetUtcNow()));
        await h.Engine.IngestAsync([h.Event("store.followed", "c1")]);        // queued, not yet dispatched
        await h.WithDbAsync(async db => await FlowControl.PauseAsync(db, "greet", h.Clock.GetUtcNow()));
        h.Clock.Advance(TimeSpan.FromHours(3));
        await h.WithDbAsync(async db => await FlowControl.ResumeAsync(db, "greet", h.Clock.GetUtcNow()));
        await h.Parts.Dispatcher.DispatchAsync();

        var message = Assert.Single(await h.MessagesAsync());
        Assert.Equal(MessageStatus.Skipped, message.Status);
        Assert.StartsWith("late", message.Reason);
    }

    [Fact]
    public async Task The_global_pause_stops_every_flow()
    {
        await h.PublishAsync(Greeting(""));
        await h.WithDbAsync(db => EngineState.SetGlobalPauseAsync(db, true));
        await h.SendAsync("store.followed", "c1");
        Assert.Empty(await h.RunsAsync());

        await h.WithDbAsync(db => EngineState.SetGlobalPauseAsync(db, false));
        await h.SendAsync("store.followed", "c1");
        Assert.Single(await h.MessagesAsync());
    }

    [Fact]
    public async Task Finishing_a_flow_ends_its_runs_and_drops_its_unsent_messages()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        await h.SendAsync("cart.added", "c1", new { price = 10 });
        await h.WithDbAsync(async db => Assert.True((await FlowControl.FinishAsync(db, "abandoned-cart", h.Clock.GetUtcNow())).Changed));
        await h.AdvanceAsync(TimeSpan.FromHours(5));
        await h.SendAsync("cart.added", "c2", new { price = 10 });

        var run = Assert.Single(await h.RunsAsync());
        Assert.Equal(RunStatus.Exited, run.Status);
        Assert.Equal("flow finished", run.EndReason);
        Assert.Empty(await h.MessagesAsync());
    }

    [Fact]
    public async Task The_stats_count_the_runs_waiting_at_each_node_and_the_runs_by_status_from_the_tallies()
    {
        await h.PublishAsync(FlowSamples.AbandonedCart);
        foreach (var customer in new[] { "c1", "c2", "c3" })
            await h.SendAsync("cart.added", customer, new { price = 10 });
        await h.SendAsync("order.placed", "c3", new { orderId = "o-1", total = 10 });   // c3 converts: its run ends at the delay
        var flow = FlowJson.Deserialize(FlowSamples.AbandonedCart);

        IReadOnlyList<NodeSummary> nodes = [];
        List<RunTallyRecord> tallies = [];
        await h.WithDbAsync(async db => (nodes, tallies) = (await FlowStats.ForFlowsAsync(db, [flow]), await db.RunTallies.AsNoTracking().Where(t => t.Count > 0).ToListAsync()));
        Assert.Equal(2, nodes.Single(n => n.NodeId == "wait").Waiting);
        Assert.All(nodes.Where(n => n.NodeId != "wait"), n => Assert.Equal(0, n.Waiting));
        Assert.Equal(["Completed  1", "Waiting wait 2"], tallies.Select(t => $"{t.Status} {t.NodeId} {t.Count}").Order(StringComparer.Ordinal));

        // Due: both move on and end; then nothing waits anywhere.
        await h.AdvanceAsync(TimeSpan.FromHours(5));
        await h.WithDbAsync(async db => (nodes, tallies) = (await FlowStats.ForFlowsAsync(db, [flow]), await db.RunTallies.AsNoTracking().Where(t => t.Count > 0).ToListAsync()));
        Assert.All(nodes, n => Assert.Equal(0, n.Waiting));
        Assert.Equal(["Completed  3"], tallies.Select(t => $"{t.Status} {t.NodeId} {t.Count}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Runs_finish_on_the_version_they_started_on()
    {
        Assert.Equal(1, await h.PublishAsync(FlowSamples.AbandonedCart));
        Assert.Equal(1, await h.PublishAsync(FlowSamples.AbandonedCart));   // unchanged: no new version
        await h.SendAsync("cart.added", "c1", new { price = 10 });

        Assert.Equal(2, await h.PublishAsync(FlowSamples.AbandonedCart.Replace("Your cart misses you: 10% off", "Still thinking it over?", StringComparison.Ordinal)));
        await h.SendAsync("cart.added", "c2", new { price = 10 });
        await h.AdvanceAsync(TimeSpan.FromHours(4));

        var messages = await h.MessagesAsync();
        Assert.Equal("Your cart misses you: 10% off", messages.Single(m => m.CustomerId == "c1").Title);
        Assert.Equal(1, messages.Single(m => m.CustomerId == "c1").FlowVersion);
        Assert.Equal("Still thinking it over?", messages.Single(m => m.CustomerId == "c2").Title);
    }

    [Fact]
    public async Task A_schedule_trigger_enters_its_audience_in_batches()
    {
        await h.PublishAsync("""
            { "id": "winback", "name": "Win-back",
              "nodes": [ { "id": "t", "type": "trigger", "on": "schedule", "cron": "0 0 10 * * ?", "timeZone": "Europe/London",
                           "audience": "customer.DaysSinceLastOrder >= 35" },
                         { "id": "mail", "type": "action", "do": "send", "channel": "email", "title": "We miss you", "body": "Come back, {{ customer.id }}" } ],
              "edges": [ { "from": "t", "to": "mail" } ] }
            """);
        await h.WithDbAsync(async db =>
        {
            for (var i = 0; i < 120; i++)
                db.Customers.Add(new CustomerRecord { Id = $"c{i:D3}", OrderCount = 1, LastOrderAt = EngineHarness.Start.AddDays(-(i % 2 == 0 ? 40 : 10)) });
            await Task.CompletedTask;
        });

        var entered = await h.Engine.FireScheduleAsync("winback", "t", batchSize: 25);
        await h.Parts.Dispatcher.DispatchAsync();

        Assert.Equal(60, entered);
        Assert.Equal(60, (await h.MessagesAsync()).Count);
        Assert.Equal(0, await h.Engine.FireScheduleAsync("winback", "t"));   // reentry never
    }
}
