using System.Globalization;
using Microsoft.Data.Sqlite;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>The load-harness modes of the benchmark executable (<c>--harness MODE</c>).</summary>
internal static class HarnessMain
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 1 ? args[1..] : [];
        switch (mode)
        {
            case "p1":
                return await DueRunsHarness.RunAsync(rest);
            case "p2":
                return await IngestHarness.RunAsync(rest);
            case "p5":
                return await SimulateHarness.RunAsync(rest);
            case "sample":
                return await SampleAsync();
            default:
                await Console.Error.WriteLineAsync($"unknown harness mode '{mode}'");
                return 2;
        }
    }

    private static async Task<int> SampleAsync()
    {
        var now = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var store = await BenchStore.CreateAsync(now);
        await store.PublishAsync([BenchFlows.Own("due-runs.flow.json")]);
        var outcome = await store.Engine.IngestAsync([new IncomingEvent
        {
            EventId = "e-1", Type = "cart.added", CustomerId = "c-1", OccurredAt = now,
            Properties = new System.Text.Json.Nodes.JsonObject { ["productName"] = "Mug", ["price"] = 19.9 },
        }]);
        Console.WriteLine(string.Join(", ", outcome));
        SqliteConnection.ClearAllPools();
        Console.WriteLine(store.Path);
        Console.WriteLine(now.UtcTicks.ToString(CultureInfo.InvariantCulture));
        return 0;
    }
}
