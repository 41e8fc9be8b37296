using System.Text.Json.Nodes;
using NodaTime;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Simulation;

namespace ReEngage.Flows.Engine.Tests.Guardrails;

/// <summary>The guardrails through the simulator: every stopped send is a suppressed line with its reason, at its time.</summary>
public class GuardrailTests
{
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static FlowDefinition SendOn(string eventType, string channel, string? coupon = null) => FlowJson.Deserialize($$"""
        { "id": "{{channel}}-on-{{eventType.Replace('.', '-')}}", "name": "Send", "entry": { "reentry": "always" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "{{eventType}}" },
                     { "id": "m", "type": "action", "do": "send", "channel": "{{channel}}", "title": "Hello", "body": "Code {{"{{"}} coupon.code {{"}}"}}"{{(coupon is null ? "" : $$""", "coupon": { "pool": "{{coupon}}" }""")}} } ],
          "edges": [ { "from": "t", "to": "m" } ] }
        """);

    private static IncomingEvent At(DateTimeOffset at, string type, string customer = "c1", object? properties = null) => new()
    {
        EventId = Guid.NewGuid().ToString("N"),
        Type = type,
        CustomerId = customer,
        OccurredAt = at,
        Properties = properties is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(properties))!.AsObject(),
    };

    private static StoreSettings Settings(string guardrails) =>
        System.Text.Json.JsonSerializer.Deserialize<StoreSettings>($$"""{ "guardrails": {{guardrails}}, "couponPools": [ { "id": "TEN", "pattern": "TEN-########" } ] }""", FlowJson.Options)!;

    private static async Task<List<(string Status, string? Reason, DateTimeOffset At)>> Run(IReadOnlyList<FlowDefinition> flows, IEnumerable<IncomingEvent> events, string guardrails, IEnumerable<IncomingCustomer>? customers = null, DateTimeOffset? until = null)
    {
        var result = await Simulator.RunAsync(new SimulationRequest
        {
            Flows = flows,
            Events = [.. events],
            Customers = [.. customers ?? []],
            Settings = Settings(guardrails),
            Until = until,
        });
        return [.. result.Messages.Select(m => (m.Status, m.Reason, m.At))];
    }

    [Fact]
    public async Task Chats_beyond_the_unread_cap_are_suppressed_until_a_read_or_the_five_day_auto_read()
    {
        var view = (int minutes) => At(Day.AddHours(10).AddMinutes(minutes), "product.viewed");
        var events = new[]
        {
            view(0), view(10), view(20),                                   // third: cap of 2 reached
            At(Day.AddHours(10).AddMinutes(30), "message.read", properties: new { channel = "chat" }),
            view(40), view(50), view(60),                                  // two more fit, the third does not
            At(Day.AddDays(5).AddHours(11).AddMinutes(1), "product.viewed"), // the 10:40 and 10:50 chats read themselves after 5 days
        };

        var lines = await Run([SendOn("product.viewed", "chat")], events, """{ "unreadChatCap": 2, "autoReadAfter": "P5D" }""");

        Assert.Equal(
            ["sent", "sent", "suppressed", "sent", "sent", "suppressed", "sent"],
            lines.Select(l => l.Status));
        Assert.All(lines.Where(l => l.Status == "suppressed"), l => Assert.Equal("unread-cap", l.Reason));
        Assert.Equal(Day.AddHours(10).AddMinutes(20), lines[2].At);
    }

    [Fact]
    public async Task With_unread_cap_action_wait_the_same_chats_all_go_out_each_when_a_read_makes_room()
    {
        var view = (int minutes) => At(Day.AddHours(10).AddMinutes(minutes), "product.viewed");
        var events = new[]
        {
            view(0), view(10), view(20),                                   // third: held
            At(Day.AddHours(10).AddMinutes(30), "message.read", properties: new { channel = "chat" }),
            view(40), view(50), view(60),                                  // 10:40 fits; 10:50 and 11:00 wait
            At(Day.AddDays(5).AddHours(11).AddMinutes(1), "product.viewed"), // held again: nothing has read itself since
        };

        var lines = await Run([SendOn("product.viewed", "chat")], events, """{ "unreadChatCap": 2, "autoReadAfter": "P5D", "unreadCapAction": "wait" }""");

        // The 10:30 chat reads itself at 10:30 five days on, making room for one held chat; the 10:40 one, ten minutes later, for the next.
        Assert.All(lines, l => Assert.Equal("sent", l.Status));
        Assert.Equal(
            [Day.AddHours(10), Day.AddHours(10).AddMinutes(10), Day.AddHours(10).AddMinutes(30), Day.AddHours(10).AddMinutes(40),
             Day.AddDays(5).AddHours(10).AddMinutes(30), Day.AddDays(5).AddHours(10).AddMinutes(40)],
            lines.Select(l => l.At).Order());
    }

    [Fact]
    public async Task A_search_at_half_past_ten_at_night_in_UTC_plus_7_goes_out_at_eight_the_next_morning()
    {
        var customer = new IncomingCustomer { CustomerId = "c1", Attributes = new JsonObject { ["timeZone"] = "Asia/Bangkok" } };
        var search = At(new DateTimeOffset(2026, 3, 2, 22, 30, 0, TimeSpan.FromHours(7)), "search.performed");

        var lines = await Run([SendOn("search.performed", "push")], [search], """{ "quietHours": { "from": "21:00", "to": "08:00" } }""", [customer], until: Day.AddDays(3));

        var line = Assert.Single(lines);
        Assert.Equal("sent", line.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.FromHours(7)), line.At);
    }

    [Fact]
    public async Task Six_sends_in_one_day_under_a_cap_of_four_send_four_and_suppress_two()
    {
        var events = Enumerable.Range(0, 6).Select(i => At(Day.AddHours(9 + i), "store.followed"));

        var lines = await Run([SendOn("store.followed", "sms")], events, """{ "frequencyCap": { "max": 4, "window": "P1D" } }""");

        Assert.Equal(["sent", "sent", "sent", "sent", "suppressed", "suppressed"], lines.Select(l => l.Status));
        Assert.Equal(["frequency-cap", "frequency-cap"], lines.Where(l => l.Status == "suppressed").Select(l => l.Reason));
    }

    [Fact]
    public async Task An_unsubscribe_stops_that_channel_only_and_a_bounce_stops_that_address()
    {
        var events = new[]
        {
            At(Day.AddHours(9), "unsubscribed", "c1", new { channel = "email" }),
            At(Day.AddHours(10), "store.followed", "c1"),
            At(Day.AddHours(9), "message.bounced", "c2", new { channel = "email" }),
            At(Day.AddHours(10), "store.followed", "c2"),
            At(Day.AddHours(10), "store.followed", "c3"),
        };

        var result = await Simulator.RunAsync(new SimulationRequest
        {
            Flows = [SendOn("store.followed", "email"), SendOn("store.followed", "push")],
            Events = events,
            Settings = Settings("{}"),
        });

        var byCustomer = result.Messages.GroupBy(m => m.CustomerId).ToDictionary(g => g.Key, g => g.ToDictionary(m => m.Channel, m => (m.Status, m.Reason)));
        Assert.Equal(("suppressed", "consent"), byCustomer["c1"]["email"]);
        Assert.Equal(("sent", null), byCustomer["c1"]["push"]);
        Assert.Equal(("suppressed", "bounced"), byCustomer["c2"]["email"]);
        Assert.Equal(("sent", null), byCustomer["c3"]["email"]);
    }

    [Fact]
    public async Task Emails_carry_unique_coupon_codes_and_a_stopped_email_issues_none()
    {
        var events = Enumerable.Range(0, 50).Select(i => At(Day.AddHours(10).AddSeconds(i), "store.followed", $"c{i}"))
            .Append(At(Day.AddHours(9), "unsubscribed", "c7"));

        var result = await Simulator.RunAsync(new SimulationRequest { Flows = [SendOn("store.followed", "email", "TEN")], Events = [.. events], Settings = Settings("{}") });

        var sent = result.Messages.Where(m => m.Status == "sent").ToList();
        Assert.Equal(49, sent.Count);
        Assert.Equal(49, sent.Select(m => m.CouponCode).Distinct().Count());
        Assert.All(sent, m => Assert.Equal($"Code {m.CouponCode}", m.Body));
        Assert.Null(result.Messages.Single(m => m.CustomerId == "c7").CouponCode);
    }

    [Fact]
    public async Task The_weekly_quota_is_the_formula_over_the_previous_week()
    {
        // Previous week (Mon 23 Feb – Sun 1 Mar 2026): 3 cart adders, 2 followers, 1 customer with 3 views
        // (one with only 2 does not count), 2 buyers → 8; minimum 5, divisor 1 → limit 8.
        var previous = new DateTimeOffset(2026, 2, 24, 12, 0, 0, TimeSpan.Zero);
        var events = new List<IncomingEvent>
        {
            At(previous, "cart.added", "a1"), At(previous, "cart.added", "a2"), At(previous, "cart.added", "a3"), At(previous.AddHours(1), "cart.added", "a3"),
            At(previous, "store.followed", "f1"), At(previous, "store.followed", "f2"),
            At(previous, "product.viewed", "v1"), At(previous.AddHours(1), "product.viewed", "v1"), At(previous.AddHours(2), "product.viewed", "v1"),
            At(previous, "product.viewed", "v2"), At(previous.AddHours(1), "product.viewed", "v2"),
            At(previous, "order.placed", "b1", new { orderId = "1" }), At(previous, "order.placed", "b2", new { orderId = "2" }),
        };
        events.AddRange(Enumerable.Range(0, 10).Select(i => At(Day.AddHours(10).AddMinutes(i), "message.clicked", $"x{i}")));

        var lines = await Run([SendOn("message.clicked", "push")], events, """{ "weeklyQuota": { "minimum": 5, "divisor": 1 } }""");

        Assert.Equal(8, lines.Count(l => l.Status == "sent"));
        Assert.Equal(["weekly-quota", "weekly-quota"], lines.Where(l => l.Status == "suppressed").Select(l => l.Reason));
    }

    public static TheoryData<string, string, string> QuietCases() => new()
    {
        { "America/New_York", "2026-03-07T22:30:00", "2026-03-08T08:00:00" },   // spring forward during the night
        { "America/New_York", "2026-10-31T23:30:00", "2026-11-01T08:00:00" },   // fall back during the night
        { "Europe/London", "2026-03-29T00:30:00", "2026-03-29T08:00:00" },
        { "Asia/Bangkok", "2026-03-02T07:59:00", "2026-03-02T08:00:00" },
        { "Asia/Bangkok", "2026-03-02T08:00:00", "2026-03-02T08:00:00" },       // the window is over
        { "Asia/Bangkok", "2026-03-02T20:59:00", "2026-03-02T20:59:00" },       // not yet quiet
    };

    [Theory]
    [MemberData(nameof(QuietCases))]
    public void Quiet_hours_move_a_send_to_the_end_of_the_window_in_local_time(string zone, string localSend, string localExpected)
    {
        var tz = DateTimeZoneProviders.Tzdb[zone];
        var send = NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(localSend).Value.InZoneLeniently(tz).ToDateTimeOffset();
        var expected = NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(localExpected).Value.InZoneLeniently(tz).ToDateTimeOffset();

        Assert.Equal(expected, Engine.Guardrails.QuietHours.Defer(send, new Engine.Model.QuietHours { From = "21:00", To = "08:00" }, tz));
    }
}
