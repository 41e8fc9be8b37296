using System.Globalization;
using System.Text.Json;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// A run's step log, kept as a JSON array in the run's own row, a step an array of its own:
/// <c>[[0,"start",0,"Entered"],[1,"wait",0,"Waiting",null,"until …"],[2,"wait",144000000000,"Passed","timeout"]]</c>
/// — the step's number, its node, its instant as ticks after the run's entry, its outcome, then its
/// port and detail when it has them. A step used to be a row of its own; an ingest batch wrote two
/// or three of them for every run it started, each with its two indexes, and they were most of what
/// the batch wrote. Positional, with offsets from the entry, the log is under half the length it
/// was with named fields and ISO instants: most of a run row, so fewer pages for a batch to write.
/// </summary>
public static class StepLog
{
    [ThreadStatic]
    private static char[]? buffer;

    /// <summary>The log of a run that entered at <paramref name="entered"/>, with <paramref name="step"/> added at its end.</summary>
    public static string Append(string log, DateTimeOffset entered, StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Append(log, entered, [step]);
    }

    /// <summary>The log of a run that entered at <paramref name="entered"/>, with <paramref name="steps"/> added at its end, in order.</summary>
    public static string Append(string log, DateTimeOffset entered, IReadOnlyList<StepRecord> steps)
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
            Add(ref text, steps[i], entered.UtcTicks, first && i == 0);
        text.Add("]");
        buffer = text.Buffer;
        var kept = first ? 0 : log.Length - 1;
        return string.Create(kept + text.Length, (log, kept, text.Buffer), static (span, state) =>
        {
            state.log.AsSpan(0, state.kept).CopyTo(span);
            state.Buffer.AsSpan(0, span.Length - state.kept).CopyTo(span[state.kept..]);
        });
    }

    private static void Add(ref Writer text, StepRecord step, long enteredTicks, bool first)
    {
        text.Add(first ? "[[" : ",[");
        text.Add(step.Seq);
        text.Add(",");
        text.AddString(step.NodeId);
        text.Add(",");
        text.Add(step.At.UtcTicks - enteredTicks);
        text.Add(",\"");
        text.Add(OutcomeNames[(int)step.Outcome]);
        text.Add("\"");
        if (step.Port is not null || step.Detail is not null)
        {
            text.Add(",");
            if (step.Port is null)
                text.Add("null");
            else
                text.AddString(step.Port);
        }

        if (step.Detail is not null)
        {
            text.Add(",");
            text.AddString(step.Detail);
        }

        text.Add("]");
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

        public void Add(long number)
        {
            Room(20);
            number.TryFormat(Buffer.AsSpan(Length), out var written, provider: CultureInfo.InvariantCulture);
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
    /// <exception cref="InvalidDataException">The stored log is not in the shape <see cref="Append(string, DateTimeOffset, IReadOnlyList{StepRecord})"/> writes (the message names the run).</exception>
    public static List<StepRecord> Read(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = new List<StepRecord>(run.StepCount);
        if (run.Log.Length == 0)
            return steps;
        try
        {
            using var document = JsonDocument.Parse(run.Log);
            foreach (var line in document.RootElement.EnumerateArray())
            {
                var length = line.GetArrayLength();
                steps.Add(new StepRecord
                {
                    RunId = run.Id,
                    FlowId = run.FlowId,
                    Version = run.Version,
                    Seq = line[0].GetInt32(),
                    NodeId = line[1].GetString()!,
                    At = new DateTimeOffset(run.EnteredAt.UtcTicks + line[2].GetInt64(), TimeSpan.Zero),
                    Outcome = Enum.Parse<StepOutcome>(line[3].GetString()!),
                    Port = length > 4 ? line[4].GetString() : null,
                    Detail = length > 5 ? line[5].GetString() : null,
                });
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IndexOutOfRangeException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"Run {run.Id} ({run.FlowId}, customer {run.CustomerId}): its step log is not a list of [seq, node, ticks after entry, outcome, port, detail] steps: {e.Message}", e);
        }

        return steps;
    }
}
