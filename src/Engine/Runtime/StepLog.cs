using System.Globalization;
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
    private static char[]? buffer;

    /// <summary>The log with <paramref name="step"/> added at its end.</summary>
    public static string Append(string log, StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Append(log, [step]);
    }

    /// <summary>The log with <paramref name="steps"/> added at its end, in order.</summary>
    public static string Append(string log, IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
            return log;

        // Written by hand into one reused buffer, and the new log made in one allocation: a replay
        // appends a few hundred thousand steps, and a JSON writer, its output and the joined text
        // were three allocations (and most of a step's cost) each time.
        var first = log.Length <= 2;   // "" or "[]"
        var text = new Writer(buffer ??= new char[512]);
        for (var i = 0; i < steps.Count; i++)
            Add(ref text, steps[i], first && i == 0);
        text.Add("]");
        buffer = text.Buffer;
        var kept = first ? 0 : log.Length - 1;
        return string.Create(kept + text.Length, (log, kept, text.Buffer), static (span, state) =>
        {
            state.log.AsSpan(0, state.kept).CopyTo(span);
            state.Buffer.AsSpan(0, span.Length - state.kept).CopyTo(span[state.kept..]);
        });
    }

    private static void Add(ref Writer text, StepRecord step, bool first)
    {
        text.Add(first ? "[{\"seq\":" : ",{\"seq\":");
        text.Add(step.Seq);
        text.Add(",\"node\":");
        text.AddString(step.NodeId);
        text.Add(",\"at\":\"");
        text.Add(step.At);
        text.Add("\",\"outcome\":\"");
        text.Add(OutcomeNames[(int)step.Outcome]);
        text.Add("\"");
        if (step.Port is not null)
        {
            text.Add(",\"port\":");
            text.AddString(step.Port);
        }

        if (step.Detail is not null)
        {
            text.Add(",\"detail\":");
            text.AddString(step.Detail);
        }

        text.Add("}");
    }

    // Indexed by value: the outcomes are numbered from 0 without gaps.
    private static readonly string[] OutcomeNames = [.. Enum.GetValues<StepOutcome>().Select(o => o.ToString())];

    /// <summary>JSON text into a growing char buffer.</summary>
    private ref struct Writer(char[] buffer)
    {
        public char[] Buffer { get; private set; } = buffer;

        public int Length { get; private set; }

        public void Add(string text) => Add(text.AsSpan());

        public void Add(ReadOnlySpan<char> text)
        {
            Room(text.Length);
            text.CopyTo(Buffer.AsSpan(Length));
            Length += text.Length;
        }

        public void Add(int number)
        {
            Room(11);
            number.TryFormat(Buffer.AsSpan(Length), out var written, provider: CultureInfo.InvariantCulture);
            Length += written;
        }

        public void Add(DateTimeOffset at)
        {
            Room(40);
            at.TryFormat(Buffer.AsSpan(Length), out var written, "O", CultureInfo.InvariantCulture);
            Length += written;
        }

        /// <summary>A JSON string: quotes, backslashes and control characters escaped, the rest as it is.</summary>
        public void AddString(string value)
        {
            Room(value.Length + 2);
            Buffer[Length++] = '"';
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"' or '\\':
                        Room(2);
                        Buffer[Length++] = '\\';
                        Buffer[Length++] = c;
                        break;
                    case < ' ':
                        Room(6);
                        Buffer[Length++] = '\\';
                        Buffer[Length++] = 'u';
                        ((int)c).TryFormat(Buffer.AsSpan(Length), out var written, "x4", CultureInfo.InvariantCulture);
                        Length += written;
                        break;
                    default:
                        Room(1);
                        Buffer[Length++] = c;
                        break;
                }
            }

            Room(1);
            Buffer[Length++] = '"';
        }

        private void Room(int more)
        {
            if (Length + more <= Buffer.Length)
                return;
            var bigger = new char[Math.Max(Buffer.Length * 2, Length + more)];
            Buffer.AsSpan(0, Length).CopyTo(bigger);
            Buffer = bigger;
        }
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
