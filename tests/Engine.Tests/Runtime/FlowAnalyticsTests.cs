using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

public class FlowAnalyticsTests
{
    [Fact]
    public void The_two_proportion_z_test_matches_a_hand_computation()
    {
        // 20 % vs 25 % of 1 000 each: pooled 22.5 %, se = √(0.225·0.775·0.002) = 0.018675, z = 2.6774, p = 0.0074.
        var (z, p) = FlowAnalytics.TwoProportionZ(200, 1000, 250, 1000);
        Assert.Equal(2.6774, z!.Value, 3);
        Assert.Equal(0.0074, p!.Value, 3);

        var (_, same) = FlowAnalytics.TwoProportionZ(50, 500, 52, 500);
        Assert.True(same > 0.5);
        Assert.Equal((null, null), FlowAnalytics.TwoProportionZ(0, 0, 1, 10));
    }

    [Fact]
    public async Task A_report_counts_branches_conversions_and_days()
    {
        await using var h = await EngineHarness.CreateAsync();
        var json = """
            { "id": "ab", "name": "AB", "entry": { "reentry": "always" }, "goal": { "event": "order.placed" },
              "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "cart.added" },
                         { "id": "split", "type": "split", "kind": "random", "branches": [ { "label": "a", "weight": 1 }, { "label": "b", "weight": 1 } ] },
                         { "id": "ma", "type": "action", "do": "send", "channel": "sms", "body": "A" },
                         { "id": "mb", "type": "action", "do": "send", "channel": "sms", "body": "B" },
                         { "id": "hold", "type": "delay", "for": "P1D" } ],
              "edges": [ { "from": "t", "to": "split" }, { "from": "split", "to": "ma", "port": "a" }, { "from": "split", "to": "mb", "port": "b" },
                         { "from": "ma", "to": "hold" }, { "from": "mb", "to": "hold" } ] }
            """;
        await h.PublishAsync(json);
        await h.Engine.IngestAsync([.. Enumerable.Range(0, 100).Select(i => h.Event("cart.added", $"c{i}"))]);
        await h.Engine.IngestAsync([.. Enumerable.Range(0, 30).Select(i => h.Event("order.placed", $"c{i}", new { orderId = $"o{i}" }))]);

        await using var db = h.Databases.CreateDbContext();
        var report = await FlowAnalytics.ReportAsync(db, FlowJson.Deserialize(json));

        Assert.Equal(100, report.Branches.Sum(b => b.Runs));
        Assert.Equal(30, report.Branches.Sum(b => b.Conversions));
        Assert.Null(report.Branches[0].PValue);
        Assert.NotNull(report.Branches[1].PValue);
        var day = Assert.Single(report.Daily);
        Assert.Equal((100, 30), (day.Entered, day.Converted));
    }
}
