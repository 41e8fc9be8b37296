using System.Diagnostics;
using System.Text.Json;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Simulation;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// <c>--harness p5 [--data FILE] [--jsonl OUT] [--until ISO-TIME]</c>: issue #3, P5 — <c>simulate</c> over the whole
/// UCI online-retail year with a daily 09:00 schedule flow (audience: 35 days since the last order)
/// and the shipped event-triggered post-purchase flow, on the default settings of <c>simulate</c>
/// without <c>--settings</c>. Prints the wall time of reading the data and of
/// <c>Simulator.RunAsync</c>; the target is the whole simulation under 20 s. <c>--jsonl OUT</c> also
/// writes the events as a JSONL file (outside the repository) for timing the CLI verb on the same input;
/// <c>--until</c> stops the replay early (a quicker figure while profiling; not the target's).
/// </summary>
internal static class SimulateHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var data = Option(args, "--data") ?? RetailYear.DefaultPath;
        var jsonl = Option(args, "--jsonl");

        var total = Stopwatch.StartNew();
        var events = RetailYear.Read(data);
        var read = total.Elapsed;
        var orders = events.Count(e => e.Type == "order.placed");
        var customers = events.Select(e => e.CustomerId).Distinct(StringComparer.Ordinal).Count();
        Console.WriteLine($"read {events.Count} invoices ({orders} order.placed, {events.Count - orders} order.cancelled) of {customers} customers, {events.Min(e => e.OccurredAt):u} … {events.Max(e => e.OccurredAt):u}, in {read.TotalSeconds:F2} s");

        if (jsonl is not null)
        {
            await using var writer = new StreamWriter(jsonl);
            foreach (var e in events)
                await writer.WriteLineAsync(JsonSerializer.Serialize(e, IncomingEvent.JsonOptions));
            Console.WriteLine($"wrote {jsonl}");
        }

        IReadOnlyList<FlowDefinition> flows =
        [
            FlowJson.Deserialize(BenchFlows.Own("daily-35-days.flow.json")),
            FlowJson.Deserialize(BenchFlows.Shipped("post-purchase.flow.json")),
        ];
        var until = Option(args, "--until") is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var simulation = Stopwatch.StartNew();
        var result = await Simulator.RunAsync(new SimulationRequest { Flows = flows, Events = events, Settings = new StoreSettings(), Until = until });
        var simulated = simulation.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        total.Stop();

        Console.WriteLine($"{result.EventsApplied} events replayed ({result.EventsSkipped} skipped); {result.Messages.Count(m => m.Status == "sent")} messages sent, {result.Messages.Count(m => m.Status == "suppressed")} suppressed");
        Console.WriteLine($"messages digest (SHA-256 of the sorted JSON lines): {Digest(result.Messages)}");
        foreach (var node in result.Nodes)
            Console.WriteLine($"  {node.FlowId,-22} {node.NodeId,-12} entered {node.Entered,6} passed {node.Passed,6} waiting {node.Waiting,5} failed {node.Failed,4} converted {node.Converted,5} exited {node.Exited,5}");
        Console.WriteLine($"Simulator.RunAsync: {simulated.TotalSeconds:F2} s (process CPU time {cpu.TotalSeconds:F2} s); with reading the data: {total.Elapsed.TotalSeconds:F2} s (target < 20 s)");
        Console.WriteLine($"garbage collection: {GC.GetTotalPauseDuration().TotalSeconds:F2} s paused; collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; {GC.GetTotalAllocatedBytes() / 1e9:F1} GB allocated");
        return 0;
    }

    /// <summary>
    /// A fingerprint of every message line, so that a faster replay can be checked to write exactly
    /// the same messages. Lines are sorted first: messages due at the same instant come out in the
    /// order of their random row keys, which differs from run to run.
    /// </summary>
    private static string Digest(IReadOnlyList<SimulatedMessage> messages)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var line in messages.Select(m => m.ToJsonLine()).Order(StringComparer.Ordinal))
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        return Convert.ToHexString(hash.GetHashAndReset())[..16];
    }

    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
