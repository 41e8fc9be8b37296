using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Simulation;

/// <summary>What to replay.</summary>
public sealed record SimulationRequest
{
    public required IReadOnlyList<FlowDefinition> Flows { get; init; }

    /// <summary>Events in file order; they are applied in <c>occurredAt</c> order, ties in this order.</summary>
    public required IReadOnlyList<IncomingEvent> Events { get; init; }

    public IReadOnlyList<IncomingCustomer> Customers { get; init; } = [];

    public StoreSettings Settings { get; init; } = new();

    /// <summary>Where the virtual clock stops; default: the last event's time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Folder for the temporary store; default: the system's temp folder.</summary>
    public string? WorkFolder { get; init; }
}

/// <summary>One message the flows would have sent (or that a guardrail stopped), as <c>simulate</c> writes it.</summary>
public sealed record SimulatedMessage(
    string CustomerId, string FlowId, string NodeId, string Channel, DateTimeOffset At,
    string Status, string? Reason, string? Title, string? Body, string? CouponCode)
{
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcSecondsConverter() },
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Instants as <c>2026-03-02T10:00:00Z</c> (fractions only when there are any).</summary>
    private sealed class UtcSecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
    }
}

public sealed record SimulationResult(IReadOnlyList<SimulatedMessage> Messages, IReadOnlyList<NodeSummary> Nodes, int EventsApplied, int EventsSkipped);

/// <summary>
/// The backtest: the same engine on a temporary SQLite store and a virtual clock. Events are
/// applied at their own time; between them the clock jumps to each due wake-up, schedule fire,
/// date moment and message, in time order (an event before a timer due at the same instant).
/// </summary>
public static class Simulator
{
    private const int EventBatch = 1000;

    public static async Task<SimulationResult> RunAsync(SimulationRequest request, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var events = request.Events
            .Select((e, i) => (Event: e, Order: i))
            .OrderBy(x => x.Event.OccurredAt).ThenBy(x => x.Order)
            .Select(x => x.Event with { OccurredAt = x.Event.OccurredAt!.Value.ToUniversalTime() })
            .ToList();
        var start = events.Count > 0 ? events[0].OccurredAt!.Value : request.Until ?? DateTimeOffset.UnixEpoch;
        var until = request.Until ?? (events.Count > 0 ? events[^1].OccurredAt!.Value : start);

        var folder = Directory.CreateTempSubdirectory("reengage-simulate-");

        // Validating the flows compiles every expression and template, and on a first run compiles the
        // validator itself: the other core does it while this one creates the temporary store, so that
        // publishing the flows below finds it all warm.
        var warmUp = Task.Run(() => request.Flows.Select(f => FlowValidator.Default.Validate(f)).ToList(), cancellationToken);
        try
        {
            var clock = new SimulationClock(start);
            await using var databases = await ExclusiveSqliteStore.CreateAsync(Path.Combine(folder.FullName, "simulation.db"), cancellationToken);
            await warmUp;
            var parts = new EngineParts(databases, clock, adapters: null, replay: true);
            await SetUpAsync(parts, request, start, cancellationToken);

            // Nothing but the replay touches this store: its settings and flows stay as set up.
            bool nonePaused;
            await using (var db = await parts.Databases.CreateDbContextAsync(cancellationToken))
            {
                await parts.Engine.Control.FreezeAsync(db, parts.Catalog, cancellationToken);
                nonePaused = (await parts.Engine.Control.HeldFlowIdsAsync(db, cancellationToken)).Count == 0;
            }

            var timers = new Timers(parts, databases, clock, until, nonePaused, request.Flows, start);
            var index = 0;
            var skipped = 0;
            var memory = parts.Engine.Memory;

            // A batch advances the runs due between its events itself and stops at the next schedule,
            // date or scoring moment; what it leaves pending is delivered right after it, each message
            // at its own due time. Sizing the next batch to what the last one managed keeps each
            // batch's preloading in proportion to its work.
            var size = EventBatch;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var nextEvent = index < events.Count ? events[index].OccurredAt : null;
                var nextTimer = await timers.NextAsync(cancellationToken);
                if (nextTimer is { } timer && timer <= until && (nextEvent is null || timer < nextEvent))
                {
                    clock.MoveTo(timer);
                    await timers.RunDueAsync(clock.Now, nextEvent, cancellationToken);
                    continue;
                }

                if (nextEvent is null || nextEvent > until)
                    break;

                var batch = events.GetRange(index, Math.Min(size, events.Count - index));
                clock.MoveTo(nextEvent.Value);
                var stop = timers.NextMoment is { } moment && moment <= until ? moment : until;
                var outcomes = await parts.Engine.IngestAsync(batch, new ReplayLimit(stop) { Memory = memory, PendingMessageDue = timers.NextMessage, Schedule = timers.Schedule }, cancellationToken);
                skipped += outcomes.Count(o => o.Status != IngestStatus.Accepted);
                index += outcomes.Count;
                size = Math.Clamp(outcomes.Count * 2, 2, EventBatch);
                clock.MoveTo(batch[outcomes.Count - 1].OccurredAt!.Value);
                progress?.Report(events.Count == 0 ? 1 : (double)index / events.Count);
            }

            progress?.Report(1);
            return new SimulationResult(await MessagesAsync(databases, cancellationToken), await SummaryAsync(databases, request.Flows, cancellationToken), index - skipped, skipped);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task SetUpAsync(EngineParts parts, SimulationRequest request, DateTimeOffset start, CancellationToken cancellationToken)
    {
        await using var db = await parts.Databases.CreateDbContextAsync(cancellationToken);
        await EngineState.SaveSettingsAsync(db, request.Settings, cancellationToken);
        foreach (var incoming in request.Customers)
        {
            var customer = await db.Customers.FindAsync([incoming.CustomerId!], cancellationToken);
            if (customer is null)
            {
                customer = new CustomerRecord { Id = incoming.CustomerId! };
                db.Customers.Add(customer);
            }

            CustomerProfile.Merge(customer, incoming.Email, incoming.Phone, CustomerProfile.Scalars(incoming.Attributes));
        }

        await db.SaveChangesAsync(cancellationToken);
        var context = new FlowValidationContext { CouponPools = request.Settings.CouponPools.Select(p => p.Id).ToHashSet(StringComparer.Ordinal) };
        foreach (var flow in request.Flows)
        {
            var result = await parts.Catalog.PublishAsync(db, flow, start, context, FlowSource.File, cancellationToken: cancellationToken);
            if (!result.Published)
                throw new InvalidOperationException($"Flow '{flow.Id}' cannot run: {string.Join("; ", result.Problems.Where(p => p.Severity == ProblemSeverity.Error))}");
        }
    }

    private static async Task<IReadOnlyList<SimulatedMessage>> MessagesAsync(IDbContextFactory<FlowDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.Kind == OutboxKind.Message && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Suppressed))
            .ToListAsync(cancellationToken);
        return rows
            .OrderBy(m => m.DueAt).ThenBy(m => m.Id)
            .Select(m => new SimulatedMessage(
                m.CustomerId, m.FlowId, m.NodeId, m.Channel.ToString().ToLowerInvariant(), m.DueAt,
                m.Status == MessageStatus.Sent ? "sent" : "suppressed", m.Reason, m.Title, m.Body, m.CouponCode))
            .ToList();
    }

    private static async Task<IReadOnlyList<NodeSummary>> SummaryAsync(IDbContextFactory<FlowDbContext> databases, IReadOnlyList<FlowDefinition> flows, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await FlowStats.ForFlowsAsync(db, flows, cancellationToken);
    }

    /// <summary>Everything the engine does on its own, and when it next has to.</summary>
    private sealed class Timers(EngineParts parts, ExclusiveSqliteStore store, SimulationClock clock, DateTimeOffset until, bool nonePaused, IReadOnlyList<FlowDefinition> flows, DateTimeOffset start)
    {
        /// <summary>The schedule triggers' next fires, shared with the ingest batches that fire them between their events.</summary>
        public ReplaySchedule Schedule { get; } = new(flows, start);

        private readonly bool hasDates = flows.Any(f => f.Nodes.OfType<TriggerNode>().Any(t => t.On == TriggerKind.Date));

        // RFM scores are recomputed nightly (00:00 UTC) as the host does, but only when a flow reads them.
        private readonly bool usesRfm = flows.Any(f => FlowJson.Serialize(f).Contains("Rfm", StringComparison.Ordinal));
        private DateTimeOffset? nextRfm;
        private readonly DateTimeOffset origin = start;
        private DateTimeOffset lastSweep = start;
        private DateTimeOffset? nextWake;
        private DateTimeOffset? nextMessage;
        private DateTimeOffset? nextDate;

        /// <summary>The earliest pending message, as of the last <see cref="NextAsync"/>.</summary>
        public DateTimeOffset? NextMessage => nextMessage;

        /// <summary>The next date moment or nightly scoring, as of the last <see cref="NextAsync"/>: where an ingest batch stops (it fires schedules itself).</summary>
        public DateTimeOffset? NextMoment { get; private set; }

        public async Task<DateTimeOffset?> NextAsync(CancellationToken cancellationToken)
        {
            (nextWake, nextMessage) = await NextWakeAndMessageAsync(cancellationToken);

            nextDate = hasDates ? await NextDateMomentAsync(cancellationToken) : null;
            if (usesRfm)
                nextRfm ??= new DateTimeOffset(origin.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
            NextMoment = new[] { nextDate, nextRfm }.Where(c => c is not null).Min();
            return new[] { nextWake, nextMessage, NextMoment, Schedule.Next }.Where(c => c is not null).Min();
        }

        /// <summary>
        /// Does what is due by <paramref name="now"/>; runs and messages due at the instant of the next
        /// event wait for it (an event before a timer due at the same instant).
        /// </summary>
        public async Task RunDueAsync(DateTimeOffset now, DateTimeOffset? nextEvent, CancellationToken cancellationToken)
        {
            foreach (var (flowId, triggerId) in Schedule.DueBy(now))
            {
                await parts.Engine.FireScheduleAsync(flowId, triggerId, cancellationToken: cancellationToken);
                Schedule.Fired(flowId, triggerId, now);
            }

            if (nextRfm <= now)
            {
                await using var db = await parts.Databases.CreateDbContextAsync(cancellationToken);
                await RfmScoring.RecomputeAsync(db, now, cancellationToken);
                nextRfm = nextRfm.Value.AddDays(1);
            }

            if (nextDate <= now)
            {
                await parts.Engine.SweepDatesAsync(lastSweep, now, cancellationToken);
                lastSweep = now;
                nextDate = await NextDateMomentAsync(cancellationToken);
            }

            // What ran above may have made runs or messages due now; the next turn of the loop sees them.
            // A tick is followed by a dispatch only when something is due by now: most wake-ups send
            // nothing (a run moves from one delay to the next), and a dispatch with nothing due does
            // nothing but look.
            var messageDue = nextMessage;
            if (nextWake <= now && (nextEvent is null || nextWake < nextEvent))
            {
                // Every run due before the next event or moment, each at its own time, in one batch.
                var before = new[] { nextEvent, NextMomentAfter(now), until.AddTicks(1) }.Where(t => t is not null).Min()!.Value;
                if (await parts.Engine.AdvanceReplayAsync(before, cancellationToken) is { } last)
                {
                    clock.MoveTo(last);
                    now = clock.Now;
                }

                (_, messageDue) = await NextWakeAndMessageAsync(cancellationToken);
            }

            if (messageDue <= now && (nextEvent is null || messageDue < nextEvent))
                await parts.Dispatcher.DispatchAsync(200, nextEvent, cancellationToken);
        }

        /// <summary>The first schedule fire, date moment or nightly scoring after <paramref name="now"/> (those due by now have run).</summary>
        private DateTimeOffset? NextMomentAfter(DateTimeOffset now) =>
            new[] { nextDate, nextRfm, Schedule.Next }.Where(m => m > now).Min();

        /// <summary>The earliest due run and message of the flows that may act.</summary>
        private async Task<(DateTimeOffset? Wake, DateTimeOffset? Message)> NextWakeAndMessageAsync(CancellationToken cancellationToken)
        {
            // With no flow paused (the usual replay) every waiting run and pending message counts,
            // and one statement on the store's open connection answers both.
            if (nonePaused)
                return await store.NextTimersAsync(cancellationToken);
            await using var db = await parts.Databases.CreateDbContextAsync(cancellationToken);
            return (await parts.Engine.NextWakeAsync(db, cancellationToken), await parts.Dispatcher.NextDueAsync(db, cancellationToken));
        }

        private Task<DateTimeOffset?> NextDateMomentAsync(CancellationToken cancellationToken) =>
            parts.Engine.NextDateMomentAsync(lastSweep, cancellationToken);

    }
}

