using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// A run's step log, kept as a JSON array in the run's own row: <c>[{"seq":0,"node":"start",
/// "at":"2026-03-02T10:00:00.0000000+00:00","outcome":"Entered"}, …]</c>, with <c>port</c> and
/// <c>detail</c> when a step has them. A step used to be a row of its own; an ingest batch wrote
/// two or three of them for every run it started, each with its two indexes, and they were most of
/// what the batch wrote. The run row is written anyway when a step changes the run.
/// </summary>
public static class StepLog
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <summary>The log with <paramref name="step"/> added at its end.</summary>
    public static string Append(string log, StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(step);
        var output = buffer ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        var first = log.Length <= 2;   // "" or "[]"
        output.Write(first ? "["u8 : ","u8);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", step.Seq);
            writer.WriteString("node", step.NodeId);
            writer.WriteString("at", step.At.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("outcome", step.Outcome.ToString());
            if (step.Port is not null)
                writer.WriteString("port", step.Port);
            if (step.Detail is not null)
                writer.WriteString("detail", step.Detail);
            writer.WriteEndObject();
        }

        output.Write("]"u8);
        var added = Encoding.UTF8.GetString(output.WrittenSpan);
        return first ? added : string.Concat(log.AsSpan(0, log.Length - 1), added);
    }

    /// <summary>The run's steps, in order.</summary>
    public static List<StepRecord> Read(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = new List<StepRecord>(run.StepCount);
        if (run.Log.Length == 0)
            return steps;
        using var document = JsonDocument.Parse(run.Log);
        foreach (var line in document.RootElement.EnumerateArray())
        {
            steps.Add(new StepRecord
            {
                RunId = run.Id,
                FlowId = run.FlowId,
                Version = run.Version,
                Seq = line.GetProperty("seq").GetInt32(),
                NodeId = line.GetProperty("node").GetString()!,
                At = DateTimeOffset.Parse(line.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Outcome = Enum.Parse<StepOutcome>(line.GetProperty("outcome").GetString()!),
                Port = line.TryGetProperty("port", out var port) ? port.GetString() : null,
                Detail = line.TryGetProperty("detail", out var detail) ? detail.GetString() : null,
            });
        }

        return steps;
    }
}
