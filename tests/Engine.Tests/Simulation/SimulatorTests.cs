using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Simulation;

namespace ReEngage.Flows.Engine.Tests.Simulation;

public class SimulatorTests
{
    private static IncomingEvent Order(string customer, int orders, DateTimeOffset at, int n) => new()
    {
        EventId = $"{customer}-{n}",
        Type = "order.placed",
        CustomerId = customer,
        OccurredAt = at.AddMinutes(n),
        Properties = new JsonObject { ["orderId"] = $"{customer}-{n}", ["total"] = 10 * orders },
    };

    [Fact]
    public async Task A_daily_audience_of_rfm_champions_is_scored_overnight_and_entered_at_the_schedule()
    {
        var start = new DateTimeOffset(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
        var events = new List<IncomingEvent>();
        for (var c = 1; c <= 10; c++)
        {
            for (var n = 0; n < c; n++)
                events.Add(Order($"c{c:D2}", c, start.AddDays(-1), n));
        }

        events.Add(new IncomingEvent { EventId = "end", Type = "page.viewed", CustomerId = "c01", OccurredAt = start.AddDays(2) });
        var flow = FlowJson.Deserialize("""
            { "id": "vip", "name": "Champions get a thank-you",
              "nodes": [ { "id": "t", "type": "trigger", "on": "schedule", "cron": "0 0 9 * * ?", "timeZone": "UTC", "audience": "customer.Rfm.Segment == \"Champions\"" },
                         { "id": "m", "type": "action", "do": "send", "channel": "email", "title": "Thank you", "body": "{{ customer.rfm.segment }}" } ],
              "edges": [ { "from": "t", "to": "m" } ] }
            """);

        var result = await Simulator.RunAsync(new SimulationRequest { Flows = [flow], Events = events });

        var sent = result.Messages.Select(m => (m.CustomerId, m.At, m.Body)).ToList();
        // Ten buyers the day before; scored at midnight, the top two quintiles on all three scores are Champions.
        var nine = start.UtcDateTime.Date.AddHours(9);
        Assert.Equal([("c07", nine, "Champions"), ("c08", nine, "Champions"), ("c09", nine, "Champions"), ("c10", nine, "Champions")],
            sent.Select(m => (m.CustomerId, m.At.UtcDateTime, m.Body)).OrderBy(m => m.CustomerId).ToList());
        Assert.Equal(56, result.EventsApplied);
    }
}
