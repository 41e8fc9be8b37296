using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Campaigns;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Campaigns;

/// <summary>One-off campaigns on the real engine and a fake clock: the state machine, the reach, delivery and figures.</summary>
public class CampaignTests
{
    private static readonly DateTimeOffset T = EngineHarness.Start;

    private static StoreSettings Settings(GuardrailSettings? guardrails = null, params CouponPoolDefinition[] pools) => new()
    {
        Guardrails = guardrails ?? new GuardrailSettings(),
        CouponPools = pools.Length > 0 ? pools : [new CouponPoolDefinition { Id = "CAMP", Pattern = "CAMP-########", ValidFor = "P14D" }],
    };

    private static CampaignInput Input(CustomerGroup group = CustomerGroup.AddedToCart, string period = "P7D", string? pool = "CAMP", DateTimeOffset? startAt = null, Channel channel = Channel.Chat) => new()
    {
        Name = "Come back: 10% off",
        Group = group,
        Period = period,
        Channel = channel,
        Title = "Your cart misses you",
        Body = "Hi, use {{ coupon.code }} before it expires.",
        CouponPool = pool,
        StartAt = startAt,
        StartNow = startAt is null,
    };

    private static async Task<CampaignRecord> CreateAsync(EngineHarness h, CampaignInput input)
    {
        await using var db = h.Databases.CreateDbContext();
        var outcome = await CampaignBook.CreateAsync(db, input, h.Clock.GetUtcNow());
        Assert.True(outcome.Failure is null, outcome.Failure?.Message);
        return outcome.Campaign!;
    }

    private static async Task<CampaignRecord> LoadAsync(EngineHarness h, long id)
    {
        await using var db = h.Databases.CreateDbContext();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    private static async Task<CampaignOutcome> WithDbAsync(EngineHarness h, Func<FlowDbContext, Task<CampaignOutcome>> change)
    {
        await using var db = h.Databases.CreateDbContext();
        return await change(db);
    }

    private static async Task<CampaignCounts> CountsAsync(EngineHarness h, CampaignRecord campaign)
    {
        await using var db = h.Databases.CreateDbContext();
        return (await CampaignCounts.ForFlowsAsync(db, [campaign.FlowId!]))[campaign.FlowId!];
    }

    /// <summary>Sweeps campaigns, then delivers the outbox, as the campaign and dispatch jobs would.</summary>
    private static async Task<CampaignSweep> SweepAsync(EngineHarness h)
    {
        var sweep = await h.Parts.Campaigns.SweepAsync();
        await h.Parts.Dispatcher.DispatchAsync();
        return sweep;
    }

    private static async Task AddToCartAsync(EngineHarness h, params string[] customers)
    {
        foreach (var customer in customers)
            await h.SendAsync("cart.added", customer, new { productId = "p1", price = 10 }, at: T.AddDays(-1));
    }

    [Fact]
    public async Task A_campaign_waits_for_its_time_is_editable_until_then_and_delivers_then_finishes()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1", "c2");
        var campaign = await CreateAsync(h, Input(startAt: T.AddHours(2)));
        Assert.Equal(CampaignStatus.NotStarted, campaign.Status);

        await SweepAsync(h);
        Assert.Equal(CampaignStatus.NotStarted, (await LoadAsync(h, campaign.Id)).Status);

        var edited = await WithDbAsync(h, db => CampaignBook.EditAsync(db, campaign.Id, new CampaignEdit { Name = "Renamed", StartAt = T.AddHours(3) }, h.Clock.GetUtcNow()));
        Assert.Equal(("Renamed", T.AddHours(3)), (edited.Campaign!.Name, edited.Campaign.StartAt!.Value));

        h.Clock.SetUtcNow(T.AddHours(2).AddMinutes(30));
        await SweepAsync(h);
        Assert.Equal(CampaignStatus.NotStarted, (await LoadAsync(h, campaign.Id)).Status);

        h.Clock.SetUtcNow(T.AddHours(3));
        var sweep = await h.Parts.Campaigns.SweepAsync();
        Assert.Equal(1, sweep.Started);
        var delivering = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.Delivering, 2, T.AddHours(3)), (delivering.Status, delivering.Reach!.Value, delivering.StartedAt!.Value));
        Assert.Equal(FlowSource.Campaign, (await WithFlowAsync(h, delivering.FlowId!)).Source);

        var late = await WithDbAsync(h, db => CampaignBook.EditAsync(db, campaign.Id, new CampaignEdit { Name = "Too late" }, h.Clock.GetUtcNow()));
        Assert.Equal(CampaignFailureKind.Conflict, late.Failure!.Kind);
        Assert.Contains("only a campaign that has not started can be edited", late.Failure.Message, StringComparison.Ordinal);

        await h.Parts.Dispatcher.DispatchAsync();
        Assert.Equal(1, (await SweepAsync(h)).Finished);
        var finished = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.Finished, T.AddHours(3)), (finished.Status, finished.FinishedAt!.Value));
        Assert.Equal(FlowStatus.Finished, (await WithFlowAsync(h, finished.FlowId!)).Status);

        var again = await WithDbAsync(h, db => CampaignBook.FinishAsync(db, campaign.Id, h.Clock.GetUtcNow()));
        Assert.Equal(CampaignFailureKind.Conflict, again.Failure!.Kind);
        var edit = await WithDbAsync(h, db => CampaignBook.EditAsync(db, campaign.Id, new CampaignEdit { Name = "x" }, h.Clock.GetUtcNow()));
        Assert.Equal(CampaignFailureKind.Conflict, edit.Failure!.Kind);
    }

    private static async Task<FlowRecord> WithFlowAsync(EngineHarness h, string flowId)
    {
        await using var db = h.Databases.CreateDbContext();
        return await db.Flows.AsNoTracking().SingleAsync(f => f.Id == flowId);
    }

    [Fact]
    public async Task Finishing_a_campaign_that_has_not_started_means_it_never_starts()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1");
        var campaign = await CreateAsync(h, Input(startAt: T.AddHours(1)));

        var finished = await WithDbAsync(h, db => CampaignBook.FinishAsync(db, campaign.Id, h.Clock.GetUtcNow()));
        Assert.Equal(CampaignStatus.Finished, finished.Campaign!.Status);

        h.Clock.SetUtcNow(T.AddHours(2));
        await SweepAsync(h);
        Assert.Null((await LoadAsync(h, campaign.Id)).FlowId);
        Assert.Empty(await h.MessagesAsync());
    }

    [Fact]
    public async Task Finishing_a_delivering_campaign_drops_what_has_not_gone_out()
    {
        // Quiet hours hold the messages of a 22:00 start until 08:00; finishing at 23:00 stops them.
        await using var h = await EngineHarness.CreateAsync(Settings(new GuardrailSettings { QuietHours = new QuietHours { From = "21:00", To = "08:00" } }));
        await AddToCartAsync(h, "c1", "c2", "c3");
        h.Clock.SetUtcNow(T.AddHours(14));
        var campaign = await CreateAsync(h, Input());
        await SweepAsync(h);
        var delivering = await LoadAsync(h, campaign.Id);
        Assert.Equal(CampaignStatus.Delivering, delivering.Status);
        Assert.All(await h.MessagesAsync(), m => Assert.Equal((MessageStatus.Pending, T.AddDays(1)), (m.Status, m.DueAt)));

        h.Clock.SetUtcNow(T.AddHours(15));
        var finished = await WithDbAsync(h, db => CampaignBook.FinishAsync(db, campaign.Id, h.Clock.GetUtcNow()));
        Assert.Equal(CampaignStatus.Finished, finished.Campaign!.Status);

        await h.AdvanceAsync(TimeSpan.FromHours(12));
        Assert.All(await h.MessagesAsync(), m => Assert.Equal((MessageStatus.Skipped, "flow finished"), (m.Status, m.Reason)));
        Assert.Equal(0, (await CountsAsync(h, delivering)).Sent);
    }

    [Fact]
    public async Task A_duplicate_is_a_new_campaign_that_has_not_started_and_keeps_only_a_start_still_ahead()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1");
        var started = await CreateAsync(h, Input());
        var later = await CreateAsync(h, Input(startAt: T.AddDays(2)));
        await SweepAsync(h);
        Assert.Equal(CampaignStatus.Delivering, (await LoadAsync(h, started.Id)).Status);

        var copy = (await WithDbAsync(h, db => CampaignBook.DuplicateAsync(db, started.Id, h.Clock.GetUtcNow()))).Campaign!;
        var laterCopy = (await WithDbAsync(h, db => CampaignBook.DuplicateAsync(db, later.Id, h.Clock.GetUtcNow()))).Campaign!;

        Assert.NotEqual(started.Id, copy.Id);
        Assert.Equal((CampaignStatus.NotStarted, "Come back: 10% off (copy)", (DateTimeOffset?)null, (long?)started.Id), (copy.Status, copy.Name, copy.StartAt, copy.DuplicatedFrom));
        Assert.Equal((started.Group, started.PeriodDays, started.Body, started.CouponPool), (copy.Group, copy.PeriodDays, copy.Body, copy.CouponPool));
        Assert.Equal(T.AddDays(2), laterCopy.StartAt);

        h.Clock.SetUtcNow(T.AddHours(1));
        await SweepAsync(h);
        Assert.Equal(CampaignStatus.NotStarted, (await LoadAsync(h, copy.Id)).Status);
        Assert.Equal(CampaignFailureKind.NotFound, (await WithDbAsync(h, db => CampaignBook.DuplicateAsync(db, 999, h.Clock.GetUtcNow()))).Failure!.Kind);
    }

    [Fact]
    public async Task A_start_repeated_after_a_crash_enters_and_sends_nothing_twice()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1", "c2");
        var campaign = await CreateAsync(h, Input());
        await SweepAsync(h);

        // As if the host died after the customers entered but before the campaign was marked delivering.
        await h.WithDbAsync(async db => (await db.Campaigns.SingleAsync(c => c.Id == campaign.Id)).Status = CampaignStatus.NotStarted);
        await SweepAsync(h);

        var started = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.Finished, 2), (started.Status, started.Reach!.Value));   // everything had gone out already
        Assert.Equal(2, (await h.RunsAsync(started.FlowId)).Count);
        Assert.Equal(2, (await h.MessagesAsync()).Count);
        await using var db = h.Databases.CreateDbContext();
        Assert.Equal(1, await db.FlowVersions.CountAsync(v => v.FlowId == started.FlowId));
    }

    [Fact]
    public async Task A_campaign_whose_group_is_empty_cannot_deliver_and_says_so()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await h.SendAsync("cart.added", "old", at: T.AddDays(-8));
        var campaign = await CreateAsync(h, Input());

        Assert.Equal(1, (await SweepAsync(h)).CannotDeliver);

        var failed = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.CannotDeliver, CannotDeliverReasons.NoCustomers), (failed.Status, failed.CannotDeliverReason));
        Assert.Equal("No one is in the group: there are no customers who added to cart in the last 7 days.", failed.CannotDeliverDetail);
        Assert.Null(failed.FlowId);
        Assert.Equal(CampaignFailureKind.Conflict, (await WithDbAsync(h, db => CampaignBook.EditAsync(db, campaign.Id, new CampaignEdit { Name = "x" }, h.Clock.GetUtcNow()))).Failure!.Kind);
    }

    [Fact]
    public async Task A_coupon_pool_removed_after_creation_means_cannot_deliver()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1");
        var campaign = await CreateAsync(h, Input(startAt: T.AddHours(1)));
        await h.WithDbAsync(db => EngineState.SaveSettingsAsync(db, Settings(pools: new CouponPoolDefinition { Id = "OTHER" })));

        h.Clock.SetUtcNow(T.AddHours(1));
        await SweepAsync(h);

        var failed = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.CannotDeliver, CannotDeliverReasons.CouponPoolUnknown), (failed.Status, failed.CannotDeliverReason));
        Assert.Equal("The coupon pool 'CAMP' no longer exists.", failed.CannotDeliverDetail);
    }

    [Fact]
    public async Task A_shared_code_at_its_redemption_limit_means_cannot_deliver()
    {
        var shared = new CouponPoolDefinition { Id = "FIRST1", Kind = CouponPoolKind.Shared, Code = "SPRING", RedemptionLimit = 1 };
        await using var h = await EngineHarness.CreateAsync(Settings(pools: shared));
        await AddToCartAsync(h, "c1");
        await h.WithDbAsync(db =>
        {
            db.CouponIssues.Add(new CouponIssueRecord { PoolId = "FIRST1", Code = "SPRING", CustomerId = "someone", IssuedAt = T.AddDays(-2), RedeemedAt = T.AddDays(-1) });
            return Task.CompletedTask;
        });
        var campaign = await CreateAsync(h, Input(pool: "FIRST1"));

        await SweepAsync(h);

        var failed = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.CannotDeliver, CannotDeliverReasons.CouponPoolUsedUp), (failed.Status, failed.CannotDeliverReason));
    }

    [Fact]
    public async Task A_used_up_weekly_quota_means_cannot_deliver()
    {
        // Nobody in last week's audience and a minimum of 0: this week's limit is 0.
        await using var h = await EngineHarness.CreateAsync(Settings(new GuardrailSettings { WeeklyQuota = new WeeklyQuota { Minimum = 0, Divisor = 3 } }));
        await AddToCartAsync(h, "c1");
        var campaign = await CreateAsync(h, Input());

        await SweepAsync(h);

        var failed = await LoadAsync(h, campaign.Id);
        Assert.Equal((CampaignStatus.CannotDeliver, CannotDeliverReasons.WeeklyQuotaUsedUp), (failed.Status, failed.CannotDeliverReason));
        Assert.Equal("This week's sending quota is used up (0 of 0); it resets on Monday.", failed.CannotDeliverDetail);
    }

    [Fact]
    public async Task Under_a_global_pause_a_campaign_waits_and_is_called_off_once_past_the_late_send_window()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1");
        var resumed = await CreateAsync(h, Input(startAt: T.AddHours(1)));
        var calledOff = await CreateAsync(h, Input(startAt: T.AddHours(2)));
        await h.WithDbAsync(db => EngineState.SetGlobalPauseAsync(db, true));

        h.Clock.SetUtcNow(T.AddHours(1).AddMinutes(30));
        await SweepAsync(h);
        Assert.Equal(CampaignStatus.NotStarted, (await LoadAsync(h, resumed.Id)).Status);

        await h.WithDbAsync(db => EngineState.SetGlobalPauseAsync(db, false));
        await SweepAsync(h);
        Assert.Equal(CampaignStatus.Delivering, (await LoadAsync(h, resumed.Id)).Status);

        await h.WithDbAsync(db => EngineState.SetGlobalPauseAsync(db, true));
        h.Clock.SetUtcNow(T.AddHours(3).AddMinutes(1));
        await SweepAsync(h);
        var failed = await LoadAsync(h, calledOff.Id);
        Assert.Equal((CampaignStatus.CannotDeliver, CannotDeliverReasons.PausedPastStart), (failed.Status, failed.CannotDeliverReason));
    }

    /// <summary>
    /// Events before the clock's now (T), by days ago. The expected members are counted by hand: a
    /// window is (T − period, T], so an event exactly 7 days ago is outside P7D; anonymous visitors
    /// are never in a group; "viewed several times" needs 3 product views inside the window.
    /// </summary>
    private static IEnumerable<(string Type, string Customer, double DaysAgo)> History() =>
    [
        ("cart.added", "a1", 1), ("cart.added", "a1", 2), ("cart.added", "a2", 6), ("cart.added", "a7", 7),
        ("cart.added", "a3", 10), ("cart.added", "a4", 20), ("cart.added", "a5", 29), ("cart.added", "a6", 35),
        ("store.followed", "f1", 3), ("store.followed", "f2", 13), ("store.followed", "f3", 25), ("store.followed", "f4", 31),
        ("product.viewed", "v1", 1), ("product.viewed", "v1", 2), ("product.viewed", "v1", 3),
        ("product.viewed", "v2", 1), ("product.viewed", "v2", 2), ("product.viewed", "v2", 10),
        ("product.viewed", "v3", 8), ("product.viewed", "v3", 9), ("product.viewed", "v3", 20),
        ("product.viewed", "v4", 1), ("product.viewed", "v4", 2),
        ("order.placed", "b1", 0.5), ("order.placed", "b2", 8), ("order.placed", "b3", 15), ("order.placed", "b4", 40),
    ];

    [Theory]
    [InlineData(CustomerGroup.AddedToCart, "P7D", "a1 a2")]
    [InlineData(CustomerGroup.AddedToCart, "P14D", "a1 a2 a3 a7")]
    [InlineData(CustomerGroup.AddedToCart, "P30D", "a1 a2 a3 a4 a5 a7")]
    [InlineData(CustomerGroup.StoreFollowers, "P7D", "f1")]
    [InlineData(CustomerGroup.StoreFollowers, "P14D", "f1 f2")]
    [InlineData(CustomerGroup.StoreFollowers, "P30D", "f1 f2 f3")]
    [InlineData(CustomerGroup.ViewedSeveralTimes, "P7D", "v1")]
    [InlineData(CustomerGroup.ViewedSeveralTimes, "P14D", "v1 v2")]
    [InlineData(CustomerGroup.ViewedSeveralTimes, "P30D", "v1 v2 v3")]
    [InlineData(CustomerGroup.ExistingCustomers, "P7D", "b1")]
    [InlineData(CustomerGroup.ExistingCustomers, "P14D", "b1 b2")]
    [InlineData(CustomerGroup.ExistingCustomers, "P30D", "b1 b2 b3")]
    public async Task The_estimated_reach_is_the_hand_counted_group_and_exactly_those_customers_enter(CustomerGroup group, string period, string members)
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        var n = 0;
        var events = History()
            .Select(e => h.Event(e.Type, e.Customer, e.Type == "order.placed" ? new { orderId = $"o{++n}", total = 20 } : null, at: T.AddDays(-e.DaysAgo)))
            .Append(h.Event("cart.added", null, at: T.AddDays(-1), anonymousId: "anon-1"))
            .Append(h.Event("store.followed", null, at: T.AddDays(-1), anonymousId: "anon-1"))
            .ToList();
        await h.Engine.IngestAsync(events);
        var expected = members.Split(' ');

        await using (var db = h.Databases.CreateDbContext())
        {
            var estimate = await CustomerGroups.EstimateAsync(db, group, CustomerGroups.ParsePeriod(period)!.Value, T);
            Assert.Equal(expected.Length, estimate.Reach);
            Assert.Equal((T.AddDays(-CustomerGroups.ParsePeriod(period)!.Value), T), (estimate.From, estimate.To));
        }

        var campaign = await CreateAsync(h, Input(group, period, pool: null));
        await SweepAsync(h);

        var started = await LoadAsync(h, campaign.Id);
        Assert.Equal(expected.Length, started.Reach);
        Assert.Equal(expected.Order(), (await h.RunsAsync(started.FlowId)).Select(r => r.CustomerId).Order());
    }

    [Fact]
    public async Task Delivery_goes_through_the_guardrails_with_codes_attributed_to_the_campaign_and_the_row_counts_add_up()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        await AddToCartAsync(h, "c1", "c2", "c3", "c4", "c5");
        await h.SendAsync("unsubscribed", "c2", new { channel = "chat" }, at: T.AddHours(-1));
        var campaign = await CreateAsync(h, Input());

        await SweepAsync(h);

        var started = await LoadAsync(h, campaign.Id);
        var messages = (await h.MessagesAsync()).Where(m => m.FlowId == started.FlowId).ToList();
        Assert.Equal(5, messages.Count);
        var stopped = Assert.Single(messages, m => m.Status == MessageStatus.Suppressed);
        Assert.Equal(("c2", "consent", (string?)null), (stopped.CustomerId, stopped.Reason, stopped.CouponCode));
        var sent = messages.Where(m => m.Status == MessageStatus.Sent).ToList();
        Assert.Equal(4, sent.Select(m => m.CouponCode).Distinct().Count());
        Assert.All(sent, m => Assert.Equal(($"Hi, use {m.CouponCode} before it expires.", "Your cart misses you", Channel.Chat), (m.Body, m.Title, m.Channel)));

        await using (var db = h.Databases.CreateDbContext())
        {
            var issues = await db.CouponIssues.AsNoTracking().ToListAsync();
            Assert.Equal(4, issues.Count);
            Assert.All(issues, i => Assert.Equal(("CAMP", started.FlowId, CampaignFlows.SendId), (i.PoolId, i.FlowId, i.NodeId)));
        }

        await h.SendAsync("message.read", "c1", new { channel = "chat" });
        await h.SendAsync("message.read", "c4", new { channel = "chat" });
        var c3Code = sent.Single(m => m.CustomerId == "c3").CouponCode;
        await h.SendAsync("order.placed", "c3", new { orderId = "o-1", total = 30, couponCode = c3Code });
        await h.SendAsync("order.placed", "c5", new { orderId = "o-2", total = 30 });

        var counts = await CountsAsync(h, started);
        Assert.Equal((4, 4, 2, 4, 1), (counts.Sent, counts.Delivered, counts.Read, counts.CouponsIssued, counts.CouponOrders));
        Assert.Equal(new Dictionary<string, int> { ["consent"] = 1 }, counts.Suppressed);

        await SweepAsync(h);
        Assert.Equal(CampaignStatus.Finished, (await LoadAsync(h, campaign.Id)).Status);
    }

    [Fact]
    public void The_generated_trigger_fires_once_at_the_start_second_so_no_cron_job_outlives_it()
    {
        var start = new DateTimeOffset(2026, 3, 2, 18, 30, 15, TimeSpan.FromHours(7));
        var flow = CampaignFlows.Build(new CampaignRecord { Name = "x", Title = "Hello", Body = "Hi", Group = CustomerGroup.AddedToCart, PeriodDays = 7 }, "campaign-1", start);
        var trigger = (TriggerNode)flow.Nodes[0];

        Assert.Equal("15 30 11 2 3 ? 2026", trigger.Cron);
        Assert.Equal(start, Schedules.NextFire(trigger, start.AddDays(-30)));
        Assert.Null(Schedules.NextFire(trigger, start));
        Assert.Empty(FlowValidator.Default.Validate(flow));
    }

    [Fact]
    public async Task Bad_campaigns_are_refused_field_by_field_with_the_flow_rules_for_messages()
    {
        await using var h = await EngineHarness.CreateAsync(Settings());
        var bad = Input(period: "P10D", pool: "NOPE", startAt: T.AddHours(-2)) with
        {
            Name = " ",
            Title = "A chat title that is much longer than forty characters",
            Body = "Hi {{ customer.firstName ",
        };

        var outcome = await WithDbAsync(h, db => CampaignBook.CreateAsync(db, bad, T));

        Assert.Equal(CampaignFailureKind.Invalid, outcome.Failure!.Kind);
        var fields = outcome.Failure.Problems.ToDictionary(p => p.Field, p => p.Message);
        Assert.Equal(["body", "couponPool", "name", "period", "startAt", "title"], fields.Keys.Order());
        Assert.Equal("The chat title is 54 characters long; chat titles can be at most 40.", fields["title"]);
        Assert.StartsWith("The body is not a valid Liquid template", fields["body"], StringComparison.Ordinal);
        Assert.StartsWith("The coupon pool 'NOPE' does not exist", fields["couponPool"], StringComparison.Ordinal);
        await using var db = h.Databases.CreateDbContext();
        Assert.Empty(db.Campaigns);
    }
}
