using System.CommandLine;
using System.Globalization;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Simulation;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Host.Cli;

/// <summary>
/// <c>simulate --flow F [--flow F2 …] --events E.jsonl [--customers C.jsonl] [--settings S.json]
/// [--until ISO-TIME] --out M.jsonl</c>: replays past events through flows on a virtual clock and
/// writes every message they would have sent, one JSON line each, then a per-node summary.
/// </summary>
internal static class SimulateVerb
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var flows = new Option<string[]>("--flow") { Description = "A flow file to run (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var events = new Option<string>("--events") { Description = "Events, one JSON object per line.", Required = true };
        var customers = new Option<string?>("--customers") { Description = "Customer records, one JSON object per line." };
        var settings = new Option<string?>("--settings") { Description = "Store settings (guardrails, coupon pools); default: a new store's." };
        var until = new Option<string?>("--until") { Description = "Where the virtual clock stops (ISO-8601); default: the last event's time." };
        var outFile = new Option<string>("--out") { Description = "Where to write the messages (JSON lines).", Required = true };

        var command = new Command("simulate", "Replay past events through flows and write the messages they would have sent.")
        {
            flows, events, customers, settings, until, outFile,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(flows)!, result.GetValue(events)!, result.GetValue(customers), result.GetValue(settings),
            result.GetValue(until), result.GetValue(outFile)!, output, error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(
        IReadOnlyList<string> flowFiles, string eventsFile, string? customersFile, string? settingsFile, string? untilText, string outFile,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var failed = false;
        void Problem(string line)
        {
            error.WriteLine(line);
            failed = true;
        }

        foreach (var missing in new[] { eventsFile, customersFile, settingsFile }.Concat(flowFiles).Where(f => f is not null && !File.Exists(f)))
            Problem($"{missing}: not found: no such file");
        if (failed)
            return 1;

        DateTimeOffset? until = null;
        if (untilText is not null)
        {
            if (!DateTimeOffset.TryParse(untilText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                Problem($"--until: '{untilText}' is not an ISO-8601 time such as 2026-03-31T23:59:59Z");
                return 1;
            }

            until = parsed;
        }

        var storeSettings = new StoreSettings();
        if (settingsFile is not null)
        {
            storeSettings = FlowFiles.ReadSettings(settingsFile, out var settingsProblems) ?? storeSettings;
            foreach (var problem in settingsProblems)
                Problem($"{settingsFile}: {problem}");
        }

        var context = FlowFiles.ContextFor(storeSettings);
        var flows = new List<FlowDefinition>();
        foreach (var file in flowFiles)
        {
            var validation = FlowValidator.Default.Validate(await File.ReadAllTextAsync(file, cancellationToken), context);
            foreach (var problem in validation.Problems.Where(p => p.Severity == ProblemSeverity.Error))
                Problem($"{file}: {problem}");
            if (validation.IsValid)
                flows.Add(validation.Flow!);
        }

        if (failed)
            return 1;

        // Bad lines are reported and skipped; every good line is still replayed.
        var inputProblems = new List<InputProblem>();
        var events = SimulationInputs.ReadEvents(eventsFile, inputProblems).Select(e => e.Event).ToList();
        var customers = customersFile is null ? [] : SimulationInputs.ReadCustomers(customersFile, inputProblems).ToList();
        foreach (var problem in inputProblems)
            error.WriteLine($"{problem} (line skipped)");

        using var bar = ProgressBar.Create(error);
        var result = await Simulator.RunAsync(
            new SimulationRequest { Flows = flows, Events = events, Customers = customers, Settings = storeSettings, Until = until },
            bar, cancellationToken);
        bar?.Dispose();

        await using (var writer = new StreamWriter(outFile))
        {
            foreach (var message in result.Messages)
                await writer.WriteLineAsync(message.ToJsonLine().AsMemory(), cancellationToken);
        }

        WriteSummary(output, result, outFile);
        return 0;
    }

    private static void WriteSummary(TextWriter output, SimulationResult result, string outFile)
    {
        output.WriteLine($"{result.EventsApplied} events replayed ({result.EventsSkipped} skipped); {result.Messages.Count(m => m.Status == "sent")} messages sent, {result.Messages.Count(m => m.Status == "suppressed")} suppressed → {outFile}");
        output.WriteLine();
        string[] header = ["flow", "node", "entered", "passed", "waiting", "suppressed", "failed", "converted", "exited"];
        var rows = result.Nodes.Select(n => new[]
        {
            n.FlowId, n.NodeId, N(n.Entered), N(n.Passed), N(n.Waiting), N(n.Suppressed), N(n.Failed), N(n.Converted), N(n.Exited),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        output.WriteLine(Row(header, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            output.WriteLine(Row(row, widths));

        static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        static string Row(string[] cells, int[] widths) =>
            string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
    }

    /// <summary>A one-line progress bar on standard error, drawn only when it is a terminal.</summary>
    private sealed class ProgressBar(TextWriter error) : IProgress<double>, IDisposable
    {
        private int last = -1;

        public static ProgressBar? Create(TextWriter error) =>
            ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new ProgressBar(error) : null;

        public void Report(double value)
        {
            var percent = (int)(value * 100);
            if (percent == last)
                return;
            last = percent;
            var filled = percent / 4;
            error.Write($"\rsimulating [{new string('#', filled)}{new string('.', 25 - filled)}] {percent,3}%");
        }

        public void Dispose()
        {
            if (last >= 0)
                error.WriteLine();
            last = -1;
        }
    }
}
