using System.Globalization;
using Microsoft.Data.Sqlite;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// Builds, in bulk, what the engine would have written after N customers each
/// added to cart and entered <c>bench-due-runs</c>: the customer (with the entry), the cart.added event, the
/// run waiting at its 4-hour delay and the two steps so far (entered, waiting), with the stats' sums and tally of them.
/// </summary>
internal static class WaitingRuns
{
    public const string FlowId = "bench-due-runs";

    /// <summary>Inserts <paramref name="count"/> such customers; run <c>i</c> is due at <paramref name="wakeAt"/>(i).</summary>
    public static void Insert(SqliteConnection connection, int count, Func<int, DateTimeOffset> wakeAt)
    {
        var delay = TimeSpan.FromHours(4);
        var eventKeys = new Guid[count];
        var runIds = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var entered = wakeAt(i) - delay;
            eventKeys[i] = Guid.CreateVersion7(entered);
            runIds[i] = Guid.CreateVersion7(entered);
        }

        string[] names = ["Ana", "Ben", "Chloé", "Dũng", "Emma"];
        Bulk.Insert(connection, "Customers", Bulk.CustomerColumns, count, i =>
        {
            var seen = Bulk.Ticks(wakeAt(i) - delay);
            return [Bulk.Id("c-", i), 0, $"{{\"firstName\":\"{names[i % names.Length]}\"}}", "[]", "{}", 0, 0, 0.0, 19.9 + (i % 50), seen, seen, 0, 0, 0, $"{{\"{FlowId}\":[{seen},1]}}"];
        });
        Bulk.Insert(connection, "Events", Bulk.EventColumns, count, i =>
        {
            var at = Bulk.Ticks(wakeAt(i) - delay);
            var price = (19.9 + (i % 50)).ToString(CultureInfo.InvariantCulture);
            return [Bulk.Text(eventKeys[i]), Bulk.Id("e-", i), "cart.added", Bulk.Id("c-", i), at, at, $"{{\"productId\":\"p-{i % 300}\",\"productName\":\"Product {i % 300}\",\"price\":{price}}}"];
        });
        Bulk.Insert(connection, "Runs", Bulk.RunColumns, count, i =>
            [Bulk.Text(runIds[i]), FlowId, 1, Bulk.Id("c-", i), "Waiting", "wait", Bulk.Ticks(wakeAt(i)), Bulk.Ticks(wakeAt(i) - delay), Bulk.Text(eventKeys[i]), 2, 0, Log(runIds[i], wakeAt(i) - delay, wakeAt(i))]);

        // The stats' sums of those steps, a row per node, outcome and day.
        var days = Enumerable.Range(0, count).Select(i => Bulk.Ticks(wakeAt(i) - delay) / TimeSpan.TicksPerDay * TimeSpan.TicksPerDay)
            .GroupBy(d => d).Select(g => (Day: g.Key, Count: g.Count())).ToList();
        Bulk.Insert(connection, "NodeCounts", Bulk.NodeCountColumns, days.Count * 2, j =>
            j % 2 == 0 ? [FlowId, "start", "Entered", "", days[j / 2].Day, days[j / 2].Count] : [FlowId, "wait", "Waiting", "", days[j / 2].Day, days[j / 2].Count]);

        // And the flow's tally: every run waiting at the delay.
        Bulk.Insert(connection, "RunTallies", Bulk.RunTallyColumns, 1, _ => [FlowId, "Waiting", "wait", count]);
    }

    private static string Log(Guid runId, DateTimeOffset entered, DateTimeOffset wake)
    {
        var log = StepLog.Append("", entered, new StepRecord { RunId = runId, Seq = 0, FlowId = FlowId, Version = 1, NodeId = "start", At = entered, Outcome = StepOutcome.Entered });
        return StepLog.Append(log, entered, new StepRecord { RunId = runId, Seq = 1, FlowId = FlowId, Version = 1, NodeId = "wait", At = entered, Outcome = StepOutcome.Waiting, Detail = $"until {wake.ToString("O", CultureInfo.InvariantCulture)}" });
    }
}
