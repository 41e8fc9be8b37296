using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Simulation;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Simulation;

/// <summary>
/// The simulator replays long stretches of events in one batch, advancing due runs, firing
/// schedules and delivering messages between the events itself. Here the same events go through
/// the engine as the host runs it — one event at a time, the tick at every wake-up, the dispatcher
/// at every due message, each schedule at its cron — and both must send the same messages, to the
/// same customers, at the same instants, with the same guardrail outcomes.
/// </summary>
public sealed class ReplayEquivalenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);

    private static readonly StoreSettings Settings = new()
    {
        Guardrails = new GuardrailSettings
        {
            QuietHours = new Engine.Model.QuietHours { From = "21:00", To = "08:00" },
            FrequencyCap = new FrequencyCap { Max = 3, Window = "P1D" },
            WeeklyQuota = new WeeklyQuota { Minimum = 60, Divisor = 1000 },
        },
    };

    private static readonly string[] Flows =
    [
        """
        { "id": "cart", "name": "Abandoned cart chat", "entry": { "reentry": "after", "cooldown": "PT12H" },
          "exitOn": [ { "event": "order.placed" } ],
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "cart.added" },
                     { "id": "w", "type": "delay", "for": "PT2H" },
                     { "id": "c", "type": "condition", "expression": "customer.CartValue > 0 && !customer.HasEvent(\"order.placed\", \"PT2H\")" },
                     { "id": "m", "type": "action", "do": "send", "channel": "chat", "title": "Still thinking?", "body": "{{ event.properties.productId }} waits" },
                     { "id": "x", "type": "exit" } ],
          "edges": [ { "from": "t", "to": "w" }, { "from": "w", "to": "c" }, { "from": "c", "to": "m", "port": "true" },
                     { "from": "c", "to": "x", "port": "false" }, { "from": "m", "to": "x" } ] }
        """,
        """
        { "id": "thanks", "name": "Thank-you then a tip at ten", "entry": { "reentry": "always" },
          "goal": { "event": "order.placed", "within": "P2D" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "order.placed" },
                     { "id": "m1", "type": "action", "do": "send", "channel": "email", "title": "Thanks", "body": "Order {{ event.properties.orderId }}" },
                     { "id": "d", "type": "delay", "until": "10:00" },
                     { "id": "m2", "type": "action", "do": "send", "channel": "chat", "title": "A tip", "body": "Hi {{ customer.firstName | default: 'there' }}" } ],
          "edges": [ { "from": "t", "to": "m1" }, { "from": "m1", "to": "d" }, { "from": "d", "to": "m2" } ] }
        """,
        """
        { "id": "viewed", "name": "Viewed, wait for a cart", "entry": { "reentry": "after", "cooldown": "P1D" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "product.viewed" },
                     { "id": "w", "type": "wait", "event": "cart.added", "timeout": "PT5H" },
                     { "id": "yes", "type": "action", "do": "tag", "tag": "carted" },
                     { "id": "no", "type": "action", "do": "send", "channel": "push", "title": "Seen something?", "body": "Come back" } ],
          "edges": [ { "from": "t", "to": "w" }, { "from": "w", "to": "yes", "port": "event" }, { "from": "w", "to": "no", "port": "timeout" } ] }
        """,
        """
        { "id": "daily", "name": "Quiet for two days", "entry": { "reentry": "always" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "schedule", "cron": "0 30 7 * * ?", "timeZone": "UTC", "audience": "customer.DaysSinceLastSeen == 2 && !customer.Tags.Contains(\"carted\")" },
                     { "id": "m", "type": "action", "do": "send", "channel": "chat", "title": "Miss you", "body": "{{ customer.orderCount }} orders so far" } ],
          "edges": [ { "from": "t", "to": "m" } ] }
        """,
    ];

    /// <summary>Two weeks of a small shop: views, carts, orders, chat reads, and visitors who sign in.</summary>
    private static List<IncomingEvent> Traffic()
    {
        var random = new Random(11);
        var events = new List<IncomingEvent>();
        var at = Start;
        var n = 0;
        while (at < Start.AddDays(14))
        {
            at = at.AddMinutes(random.Next(3, 55));
            var customer = $"c{random.Next(40):D2}";
            var roll = random.Next(100);
            JsonObject properties;
            string type;
            string? anonymous = null;
            switch (roll)
            {
                case < 40:
                    (type, properties) = ("product.viewed", new JsonObject { ["productId"] = $"p{random.Next(30)}" });
                    break;
                case < 62:
                    (type, properties) = ("cart.added", new JsonObject { ["productId"] = $"p{random.Next(30)}", ["price"] = 5 + random.Next(40) });
                    break;
                case < 74:
                    (type, properties) = ("order.placed", new JsonObject { ["orderId"] = $"o{n}", ["total"] = 20 + random.Next(80) });
                    break;
                case < 90:
                    (type, properties) = ("message.read", new JsonObject { ["channel"] = "chat" });
                    break;
                case < 96:
                    // A visitor browses anonymously first, then signs in.
                    anonymous = $"a{random.Next(10)}";
                    (type, properties) = ("product.viewed", new JsonObject { ["productId"] = $"p{random.Next(30)}" });
                    break;
                default:
                    anonymous = $"a{random.Next(10)}";
                    (type, properties) = ("identify", new JsonObject { ["firstName"] = $"Name{customer}" });
                    break;
            }

            events.Add(new IncomingEvent
            {
                EventId = $"e{n++}",
                Type = type,
                CustomerId = anonymous is not null && type != "identify" ? null : customer,
                AnonymousId = anonymous,
                OccurredAt = at,
                Properties = properties,
            });
        }

        return events;
    }

    private static string Line(string customer, string flow, string node, Channel channel, DateTimeOffset at, string status, string? reason, string? title, string? body) =>
        $"{customer}|{flow}|{node}|{channel.ToString().ToLowerInvariant()}|{at.UtcDateTime:O}|{status}|{reason}|{title}|{body}";

    [Fact]
    public async Task The_replay_sends_what_the_engine_sends_event_by_event()
    {
        var events = Traffic();
        var flows = Flows.Select(FlowJson.Deserialize).ToList();
        var until = events[^1].OccurredAt!.Value;

        var replayed = await Simulator.RunAsync(new SimulationRequest { Flows = flows, Events = events, Settings = Settings });
        var expected = await ServedOneByOneAsync(flows, events, until);

        var actual = replayed.Messages.Select(m => Line(m.CustomerId, m.FlowId, m.NodeId, Enum.Parse<Channel>(m.Channel, ignoreCase: true), m.At, m.Status, m.Reason, m.Title, m.Body)).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 100, $"the traffic should make the flows send plenty, not {expected.Count}");
        Assert.Contains(expected, l => l.Contains("|suppressed|unread-cap|", StringComparison.Ordinal));
        Assert.Contains(expected, l => l.Contains("|suppressed|frequency-cap|", StringComparison.Ordinal));
        Assert.Contains(expected, l => l.Contains("|suppressed|weekly-quota|", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
    }

    /// <summary>The host's way: every event on its own, and the engine's jobs at each moment they are due.</summary>
    private static async Task<List<string>> ServedOneByOneAsync(List<FlowDefinition> flows, List<IncomingEvent> events, DateTimeOffset until)
    {
        var folder = Directory.CreateTempSubdirectory("reengage-one-by-one-");
        try
        {
            var clock = new FakeTimeProvider(Start);
            var databases = await FlowDbContextFactory.SqliteAsync(Path.Combine(folder.FullName, "engine.db"));
            var parts = new EngineParts(databases, clock);
            await using (var db = databases.CreateDbContext())
            {
                await EngineState.SaveSettingsAsync(db, Settings);
                foreach (var flow in flows)
                    Assert.True((await parts.Catalog.PublishAsync(db, flow, Start, new FlowValidationContext(), FlowSource.File)).Published);
            }

            var schedules = flows.SelectMany(f => f.Nodes.OfType<TriggerNode>().Where(t => t.On == TriggerKind.Schedule).Select(t => (Flow: f.Id, Trigger: t))).ToList();
            var fires = schedules.ToDictionary(s => s.Trigger.Id, s => Schedules.NextFire(s.Trigger, Start.AddTicks(-1)));
            var next = 0;
            while (true)
            {
                var nextEvent = next < events.Count ? events[next].OccurredAt : null;
                DateTimeOffset? wake, due;
                await using (var db = databases.CreateDbContext())
                {
                    wake = await parts.Engine.NextWakeAsync(db);
                    due = await parts.Dispatcher.NextDueAsync(db);
                }

                var timer = new[] { wake, due }.Concat(fires.Values).Where(t => t is not null).Min();
                if (timer is { } t && t <= until && (nextEvent is null || t < nextEvent))
                {
                    if (t > clock.GetUtcNow())
                        clock.SetUtcNow(t);
                    foreach (var (flow, trigger) in schedules.Where(s => fires[s.Trigger.Id] <= t))
                    {
                        await parts.Engine.FireScheduleAsync(flow, trigger.Id);
                        fires[trigger.Id] = Schedules.NextFire(trigger, t);
                    }

                    await parts.Engine.TickAsync();
                    await parts.Dispatcher.DispatchAsync();
                    continue;
                }

                if (nextEvent is null || nextEvent > until)
                    break;
                clock.SetUtcNow(nextEvent.Value);
                await parts.Engine.IngestAsync([events[next++]]);
            }

            await using var read = databases.CreateDbContext();
            var messages = await read.Messages.AsNoTracking()
                .Where(m => m.Kind == OutboxKind.Message && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Suppressed))
                .ToListAsync();
            return messages
                .Select(m => Line(m.CustomerId, m.FlowId, m.NodeId, m.Channel, m.DueAt, m.Status == MessageStatus.Sent ? "sent" : "suppressed", m.Reason, m.Title, m.Body))
                .Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
