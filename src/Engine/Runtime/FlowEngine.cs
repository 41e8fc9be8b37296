using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Runtime;

public enum IngestStatus
{
    Accepted,
    Duplicate,
    Rejected,
}

/// <summary>What became of one event of a batch; <see cref="Index"/> is its position in the batch.</summary>
public sealed record IngestOutcome(int Index, IngestStatus Status, string? Error = null, Guid? EventKey = null);

/// <summary>Replay (simulation) bounds of an ingest batch: no event after <see cref="StopAfter"/> is taken.</summary>
public sealed record ReplayLimit(DateTimeOffset? StopAfter)
{
    /// <summary>What the replay's earlier batches stored, kept across its batches (see <see cref="ReplayMemory"/>).</summary>
    internal ReplayMemory? Memory { get; init; }

    /// <summary>The earliest due time of a message the store holds undelivered (a read must find it delivered).</summary>
    internal DateTimeOffset? PendingMessageDue { get; init; }

    /// <summary>The replay's schedule triggers: those due between the batch's events fire in the batch.</summary>
    internal ReplaySchedule? Schedule { get; init; }
}

/// <summary>
/// The engine: takes events in, moves runs along as events and due times arrive, enters audiences
/// on schedules and customers on their dates. Every public operation is one transaction per batch,
/// on the instant <see cref="TimeProvider"/> says it is.
/// </summary>
public sealed class FlowEngine(IDbContextFactory<FlowDbContext> databases, FlowCatalog catalog, MessageRenderer renderer, TimeProvider time)
{
    private readonly RunStepper stepper = new(renderer);

    public TimeProvider Time => time;

    /// <summary>Where batches read settings, pauses and the programs that may act.</summary>
    public StoreControl Control { get; init; } = new();

    /// <summary>What a replay knows of its store without asking it, for every batch (see <see cref="ReplayMemory"/>); null outside a replay.</summary>
    internal ReplayMemory? Memory { get; init; }

    /// <summary>A replay's dispatcher, through which its batches deliver what they wrote as it falls due; null outside a replay.</summary>
    internal OutboxDispatcher? Deliverer { get; set; }

    /// <summary>A replay's in-memory copy of its known customers, which schedule fires read instead of the store.</summary>
    internal CustomerMirror? Mirror { get; init; }

    // ---- events -------------------------------------------------------------------------

    /// <summary>Validates, de-duplicates (by eventId), stores and reacts to a batch of events, in order.</summary>
    public Task<IReadOnlyList<IngestOutcome>> IngestAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken = default) =>
        IngestAsync(events, replay: null, cancellationToken);

    /// <summary>
    /// Ingests in order; with <paramref name="replay"/> (the simulator) each event happens at its own
    /// <c>occurredAt</c>, and the runs that fall due between the batch's events are advanced in the
    /// same batch at their due times, exactly as the tick would take them (an event before a run due
    /// at the same instant). The batch stops before an event after <see cref="ReplayLimit.StopAfter"/>
    /// (the replay's next schedule, date or scoring moment), and before an event that needs what only
    /// the committed store and the dispatcher give (see <see cref="NeedsCommittedStore"/>). The
    /// outcomes cover the events processed (a prefix of the batch).
    /// </summary>
    public async Task<IReadOnlyList<IngestOutcome>> IngestAsync(IReadOnlyList<IncomingEvent> events, ReplayLimit? replay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var memory = replay?.Memory ?? Memory;
        if (memory is not null && events.Any(e => e.Type == EventTypes.Identify))
        {
            memory.ForgetOrders();
            memory.ForgetEvents();
        }

        using var session = new EngineSession(db, catalog, await Control.SettingsAsync(db, cancellationToken), time.GetUtcNow()) { Memory = memory };
        var programs = await Control.IsGloballyPausedAsync(db, cancellationToken) ? [] : await Control.ActiveProgramsAsync(db, catalog, cancellationToken);
        var held = programs.Count == 0 ? [] : await Control.HeldFlowIdsAsync(db, cancellationToken);
        var batch = await BatchKnowledge.LoadAsync(session, events, cancellationToken);
        await session.PreloadAsync(events.Where(e => e.Problem() is null).Select(batch.CustomerIdOf).ToList(), cancellationToken);
        await session.PreloadOrdersAsync(events.Where(e => e.Type == EventTypes.OrderPlaced && e.Problem() is null).Select(batch.CustomerIdOf).ToList(), cancellationToken);

        var outcomes = new List<IngestOutcome>(events.Count);
        var limit = replay?.StopAfter;
        var dueRuns = replay is not null && programs.Count > 0 ? await DueRunsAsync(session, events, limit, held, cancellationToken) : null;
        for (var i = 0; i < events.Count; i++)
        {
            if (replay is not null && events[i].OccurredAt is { } occurred)
            {
                var at = occurred.ToUniversalTime();
                if (outcomes.Count > 0 && limit is { } stop && at > stop)
                    break;
                if (dueRuns is not null)
                    await AdvanceTimersAsync(session, dueRuns, replay.Schedule, programs, at, held, cancellationToken);
                await DeliverDueAsync(session, at, held, cancellationToken);
                if (outcomes.Count > 0 && NeedsCommittedStore(session, replay, events[i], at))
                    break;
                session.Now = at;
            }

            var outcome = await IngestOneAsync(session, batch, i, events[i], programs, held, cancellationToken);
            outcomes.Add(outcome);
            if (replay is null)
                continue;
            if (events[i].Type == EventTypes.Identify)
                break;   // the merge started the session over from the store; so does the next batch
            if (outcome.Status == IngestStatus.Accepted)
                dueRuns?.Offer(session.HeldRunsOf(batch.CustomerIdOf(events[i])));
        }

        await session.SaveLastAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        memory?.Remember(outcomes.Where(o => o.Status == IngestStatus.Accepted).Select(o => events[o.Index].EventId).OfType<string>(), session.CountedOrders);
        return outcomes;
    }

    /// <summary>
    /// A replay batch's runs due before its last event (and before <paramref name="stopAfter"/>),
    /// loaded with their customers' profiles and events: the batch advances them between its events.
    /// </summary>
    private static async Task<DueRunQueue?> DueRunsAsync(EngineSession session, IReadOnlyList<IncomingEvent> events, DateTimeOffset? stopAfter, HashSet<string> held, CancellationToken cancellationToken)
    {
        var last = events.Select(e => e.OccurredAt).Max();
        if (last is null)
            return null;
        var horizon = stopAfter is { } stop && stop < last.Value ? stop : last.Value.ToUniversalTime();
        return await DueRunsAsync(session, horizon, held, cancellationToken);
    }

    /// <summary>The runs due before <paramref name="horizon"/>, loaded with their customers' profiles and events.</summary>
    private static async Task<DueRunQueue> DueRunsAsync(EngineSession session, DateTimeOffset horizon, HashSet<string> held, CancellationToken cancellationToken)
    {
        var queue = new DueRunQueue(horizon);
        var read = await Preloads.DueRunsBeforeAsync(session.Db, horizon, [.. held], cancellationToken);
        if (read.Count == 0)
            return queue;
        var due = session.Hold(read);
        queue.Offer(due);
        await session.PreloadProfilesAsync(due.ConvertAll(r => r.CustomerId), cancellationToken);
        await session.PreloadEventsAsync(due.Select(r => r.EventKey), cancellationToken);
        return queue;
    }

    /// <summary>
    /// A replay's stretch without events: every run due before <paramref name="before"/> is advanced
    /// at its own due time, in the order the tick would take them, in one batch. Returns the due time
    /// of the last run advanced (null when none was due).
    /// </summary>
    internal async Task<DateTimeOffset?> AdvanceReplayAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await Control.IsGloballyPausedAsync(db, cancellationToken))
            return null;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        using var session = new EngineSession(db, catalog, await Control.SettingsAsync(db, cancellationToken), time.GetUtcNow()) { Memory = Memory };
        var held = await Control.HeldFlowIdsAsync(db, cancellationToken);
        var dueRuns = await DueRunsAsync(session, before, held, cancellationToken);
        var last = await AdvanceTimersAsync(session, dueRuns, schedule: null, [], before, held, cancellationToken);
        await session.SaveLastAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return last;
    }

    /// <summary>
    /// Advances, each at its own time, the runs that fall due and the schedule triggers that fire
    /// before <paramref name="before"/>, in time order (a trigger before a run due at the same
    /// instant, as the host's jobs take them); returns the last one's time.
    /// </summary>
    private async Task<DateTimeOffset?> AdvanceTimersAsync(EngineSession session, DueRunQueue dueRuns, ReplaySchedule? schedule, IReadOnlyList<FlowProgram> programs, DateTimeOffset before, HashSet<string> held, CancellationToken cancellationToken)
    {
        DateTimeOffset? last = null;
        while (true)
        {
            var runDue = dueRuns.TryPeekBefore(before, out var wake);
            if (schedule is not null && Mirror is { } mirror && schedule.TryPeekBefore(runDue ? wake.AddTicks(1) : before, out var flowId, out var triggerId, out var fireAt))
            {
                session.Now = fireAt;
                schedule.Fired(flowId, triggerId, fireAt);
                if (programs.FirstOrDefault(p => p.FlowId == flowId) is { } program
                    && program.Flow.Nodes.FirstOrDefault(n => n.Id == triggerId) is TriggerNode { On: TriggerKind.Schedule } trigger)
                {
                    // The mirror holds what earlier batches committed; this batch's own customers are as it left them.
                    var everyone = session.OverKnown(await mirror.PageAsync(session.Db, null, int.MaxValue, cancellationToken));
                    var audience = Audience(session, program, trigger, everyone);
                    await EnterAsync(session, program, trigger, audience, cancellationToken);
                    foreach (var id in audience)
                        dueRuns.Offer(session.HeldRunsOf(id));
                }

                last = fireAt;
                continue;
            }

            if (!runDue)
                return last;
            var run = dueRuns.Take();
            if (held.Contains(run.FlowId))
                continue;
            session.Now = wake;
            await AdvanceAsync(session, run, cancellationToken);
            dueRuns.Offer(session.HeldRunsOf(run.CustomerId));
            last = wake;
        }
    }

    /// <summary>
    /// A replay's messages that this batch wrote and that fall due before <paramref name="before"/> are
    /// delivered now, each at its own due time, as the replay's dispatcher would have delivered them
    /// between the events; they are stored already delivered rather than stored, read back and updated.
    /// </summary>
    private async Task DeliverDueAsync(EngineSession session, DateTimeOffset before, HashSet<string> held, CancellationToken cancellationToken)
    {
        if (Deliverer is not { } deliverer || session.Pending.Count == 0)
            return;
        var delivered = 0;
        foreach (var message in session.Pending.OrderBy(m => m.DueAt).ToList())
        {
            if (message.Status != MessageStatus.Pending || message.DueAt >= before)
                continue;
            if (held.Contains(message.FlowId))
                continue;
            var contact = await session.CustomerAsync(message.CustomerId, cancellationToken);
            await deliverer.DeliverOnTimeAsync(message, contact.Email, contact.Phone, session.Settings, cancellationToken);
            delivered++;
        }

        if (delivered > 0)
            session.Pending.RemoveAll(m => m.Status != MessageStatus.Pending);
    }

    /// <summary>
    /// Whether a replayed event must wait for a batch of its own, after the replay has committed the
    /// batches before it and delivered what fell due: a read marks only delivered messages read, an
    /// identify merges profiles from the store, and a redemption looks its code's issue up there.
    /// </summary>
    private static bool NeedsCommittedStore(EngineSession session, ReplayLimit replay, IncomingEvent incoming, DateTimeOffset at)
    {
        switch (incoming.Type)
        {
            case EventTypes.Identify:
            case EventTypes.CouponRedeemed:
                return true;
            case EventTypes.OrderPlaced:
                return CustomerProfile.Text(incoming.Properties, "couponCode") is not null;
            case EventTypes.MessageRead:
                return replay.PendingMessageDue < at || session.Pending.Any(m => m.Status == MessageStatus.Pending && m.DueAt < at);
            default:
                return false;
        }
    }

    private async ValueTask<IngestOutcome> IngestOneAsync(EngineSession session, BatchKnowledge batch, int index, IncomingEvent incoming, IReadOnlyList<FlowProgram> programs, HashSet<string> held, CancellationToken cancellationToken)
    {
        if (incoming.Problem() is { } problem)
            return new IngestOutcome(index, IngestStatus.Rejected, problem);
        if (incoming.EventId is { } eventId && !batch.SeenEventIds.Add(eventId))
            return new IngestOutcome(index, IngestStatus.Duplicate);

        if (incoming.Type == EventTypes.Identify)
            await batch.IdentifyAsync(session, incoming.AnonymousId!, incoming.CustomerId!, cancellationToken);

        var customerId = batch.CustomerIdOf(incoming);
        await session.PreloadAsync([customerId], cancellationToken);
        var record = new EventRecord
        {
            Key = TimeOrderedIds.Next(session.Now),
            EventId = incoming.EventId,
            Type = incoming.Type!,
            CustomerId = customerId,
            AnonymousId = incoming.AnonymousId,
            OccurredAt = incoming.OccurredAt!.Value.ToUniversalTime(),
            ReceivedAt = time.GetUtcNow(),
            PropertiesJson = EngineSession.ToJson(incoming.Properties),
        };
        session.Add(record);

        var customer = await session.CustomerAsync(customerId, cancellationToken);
        customer.IsAnonymous = incoming.CustomerId is null;
        await ApplyProfileAsync(session, customer, record, incoming.Properties, cancellationToken);
        await ReactAsync(session, customer, record, held, cancellationToken);

        foreach (var program in programs)
        {
            foreach (var trigger in program.TriggersOn(record.Type))
                await TryEnterAsync(session, program, trigger, customer, record.Key, cancellationToken);
        }

        return new IngestOutcome(index, IngestStatus.Accepted, EventKey: record.Key);
    }

    /// <summary>Profile fields and facts the event changes (see <see cref="CustomerProfile"/> for the exact definitions).</summary>
    private static async Task ApplyProfileAsync(EngineSession session, CustomerRecord customer, EventRecord record, JsonObject? properties, CancellationToken cancellationToken)
    {
        var db = session.Db;
        var newOrder = false;
        if (record.Type == EventTypes.OrderPlaced)
        {
            var orderId = CustomerProfile.Text(properties, "orderId") ?? record.EventId ?? record.Key.ToString();
            newOrder = await session.AddOrderAsync(customer.Id, orderId, cancellationToken);
        }

        if (record.Type is EventTypes.SignedUp or EventTypes.Identify)
        {
            var scalars = CustomerProfile.Scalars(properties);
            var email = scalars.GetValueOrDefault("email");
            var phone = scalars.GetValueOrDefault("phone");
            scalars.Remove("email");
            scalars.Remove("phone");
            CustomerProfile.Merge(customer, email, phone, scalars);
        }

        CustomerProfile.ApplyFacts(customer, record.Type, record.OccurredAt, properties, newOrder);

        if (record.Type == EventTypes.MessageRead)
            await Engagement.MarkReadAsync(session, customer.Id, properties, session.Now, cancellationToken);

        var redeemed = record.Type == EventTypes.CouponRedeemed ? CustomerProfile.Text(properties, "code") ?? CustomerProfile.Text(properties, "couponCode")
            : record.Type == EventTypes.OrderPlaced ? CustomerProfile.Text(properties, "couponCode")
            : null;
        if (redeemed is not null)
            await Engagement.MarkRedeemedAsync(db, customer.Id, redeemed, record.OccurredAt, cancellationToken);
    }

    /// <summary>The customer's runs hear the event: goals convert, exit events end runs, waits resume.</summary>
    private async Task ReactAsync(EngineSession session, CustomerRecord customer, EventRecord record, HashSet<string> held, CancellationToken cancellationToken)
    {
        var runs = await session.OpenRunsAsync(customer.Id, null, cancellationToken);
        if (runs.Count == 0)
            return;

        EventInput? eventInput = null;   // parsed only if one of the runs listens
        foreach (var run in runs)
        {
            if (held.Contains(run.FlowId))
                continue;
            var program = await catalog.ProgramAsync(session.Db, run.FlowId, run.Version, cancellationToken);
            var flow = program.Flow;
            // Most of a customer's runs do not listen for this event: they need no expression input.
            if (run.AwaitEvent != record.Type && !program.Hears(record.Type))
                continue;
            var scope = new ExpressionScope(session.Input(customer), eventInput ??= session.InputOf(record), EngineSession.RunInput(run, session.Now));
            try
            {
                if (flow.Goal is { } goal && goal.Event == record.Type
                    && (program.GoalWithin is not { } within || LocalClock.Add(run.EnteredAt, within, NodaTime.DateTimeZone.Utc) >= session.Now)
                    && (goal.Filter is null || program.Test(goal.Filter, scope)))
                {
                    RunStepper.End(session, run, StepOutcome.Converted, $"goal {record.Type}");
                    continue;
                }

                if (flow.ExitOn?.FirstOrDefault(x => x.Event == record.Type && (x.Filter is null || program.Test(x.Filter, scope))) is not null)
                {
                    RunStepper.End(session, run, StepOutcome.Exited, $"exit on {record.Type}");
                    continue;
                }

                if (RunStepper.IsHeldSend(program, run) && run.AwaitEvent == record.Type)
                {
                    await stepper.RetryHeldSendAsync(session, program, run, customer, cancellationToken);
                    continue;
                }

                if (run.Status == RunStatus.Waiting && run.AwaitEvent == record.Type
                    && program.Node(run.NodeId) is WaitNode wait
                    && (wait.Filter is null || program.Test(wait.Filter, scope)))
                {
                    run.EventKey = record.Key;
                    await stepper.ResumeAsync(session, program, run, customer, FlowPorts.Event, cancellationToken);
                }
            }
            catch (ExpressionFailedException ex)
            {
                RunStepper.Fail(session, run, run.NodeId, ex.Message);
            }
        }
    }

    private async Task TryEnterAsync(EngineSession session, FlowProgram program, TriggerNode trigger, CustomerRecord customer, Guid? eventKey, CancellationToken cancellationToken)
    {
        if (customer.IsAnonymous && trigger.On != TriggerKind.Event)
            return;

        var filter = trigger.On switch
        {
            TriggerKind.Event => trigger.Filter,
            TriggerKind.Schedule => trigger.Audience,
            _ => null,
        };
        if (filter is not null)
        {
            var scope = new ExpressionScope(session.Input(customer), await session.EventAsync(eventKey, cancellationToken), RunInput.None);
            try
            {
                if (!program.Test(filter, scope))
                    return;
            }
            catch (ExpressionFailedException ex)
            {
                RunStepper.FailAtTrigger(session, program, trigger, customer, eventKey, ex.Message);
                return;
            }
        }

        if (!await Entries.AdmitAsync(session, program, customer.Id, cancellationToken))
            return;

        await stepper.EnterAsync(session, program, trigger, customer, eventKey, cancellationToken);
    }

    // ---- due runs -----------------------------------------------------------------------

    /// <summary>Advances every waiting run whose time has come, in batches; returns how many moved.</summary>
    public async Task<int> TickAsync(int batchSize = 500, CancellationToken cancellationToken = default)
    {
        var moved = 0;
        while (true)
        {
            var count = await TickBatchAsync(batchSize, cancellationToken);
            moved += count;
            if (count < batchSize)
                return moved;
        }
    }

    private async Task<int> TickBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await Control.IsGloballyPausedAsync(db, cancellationToken))
            return 0;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var held = await Control.HeldFlowIdsAsync(db, cancellationToken);
        var read = await Preloads.DueRunsAsync(db, now, [.. held], batchSize, cancellationToken);
        if (read.Count == 0)
            return 0;

        using var session = new EngineSession(db, catalog, await Control.SettingsAsync(db, cancellationToken), now) { Memory = Memory };
        var due = session.Hold(read);
        await session.PreloadProfilesAsync(due.Select(r => r.CustomerId).ToList(), cancellationToken);
        await session.PreloadEventsAsync(due.Select(r => r.EventKey), cancellationToken);
        foreach (var run in due)
            await AdvanceAsync(session, run, cancellationToken);

        await session.SaveLastAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>A due run moves on: its delay ends, its wait times out, or its held send tries again.</summary>
    private async Task AdvanceAsync(EngineSession session, RunRecord run, CancellationToken cancellationToken)
    {
        var program = await catalog.ProgramAsync(session.Db, run.FlowId, run.Version, cancellationToken);
        var customer = await session.CustomerAsync(run.CustomerId, cancellationToken);
        if (RunStepper.IsHeldSend(program, run))
        {
            await stepper.RetryHeldSendAsync(session, program, run, customer, cancellationToken);
            return;
        }

        var port = program.Node(run.NodeId) is WaitNode ? FlowPorts.Timeout : FlowPorts.Default;
        await stepper.ResumeAsync(session, program, run, customer, port, cancellationToken);
    }

    // ---- schedules and dates ------------------------------------------------------------

    /// <summary>A schedule trigger fired: every customer of its audience enters (subject to the entry rules), streamed in batches.</summary>
    public Task<int> FireScheduleAsync(string flowId, string triggerId, int batchSize = 500, CancellationToken cancellationToken = default) =>
        FireScheduleAsync(flowId, triggerId, candidates: null, batchSize, cancellationToken);

    /// <summary>
    /// Fires a schedule trigger over <paramref name="candidates"/> only (ids of known customers), when the
    /// caller can narrow the audience in SQL first — a campaign's group — instead of testing every customer.
    /// The audience expression still decides who enters.
    /// </summary>
    internal async Task<int> FireScheduleAsync(string flowId, string triggerId, Func<FlowDbContext, IQueryable<string>>? candidates, int batchSize = 500, CancellationToken cancellationToken = default)
    {
        var entered = 0;
        string? after = null;
        while (true)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            if (await Control.IsGloballyPausedAsync(db, cancellationToken))
                return entered;
            var program = (await Control.ActiveProgramsAsync(db, catalog, cancellationToken)).FirstOrDefault(p => p.FlowId == flowId);
            if (program?.Flow.Nodes.FirstOrDefault(n => n.Id == triggerId) is not TriggerNode { On: TriggerKind.Schedule } trigger)
                return entered;

            // The candidates (a campaign's group, found in SQL) or every known customer, in id order.
            // Every known customer: their rows are the batch, read in one query (a replay fires a
            // daily audience over the whole base; two queries per 500 customers showed up).
            // From a replay's mirror (all in memory already) the whole base is one batch.
            var everyone = candidates is null
                ? Mirror is { } mirror ? await mirror.PageAsync(db, after, int.MaxValue, cancellationToken) : await KnownCustomersAsync(db, after, batchSize, cancellationToken)
                : null;
            var ids = everyone is not null ? everyone.ConvertAll(c => c.Id) : await candidates!(db)
                .Where(id => after == null || id.CompareTo(after) > 0)
                .OrderBy(id => id).Take(batchSize)
                .ToListAsync(cancellationToken);
            if (ids.Count == 0)
                return entered;

            using var session = new EngineSession(db, catalog, await Control.SettingsAsync(db, cancellationToken), time.GetUtcNow()) { Memory = Memory };
            var customers = everyone ?? await db.Customers.AsNoTracking()
                .Where(c => ids.Contains(c.Id))
                .OrderBy(c => c.Id)
                .ToListAsync(cancellationToken);
            if (customers.Count == 0)
                return entered;

            // Most pages of a daily audience hold nobody who enters: those need no transaction.
            after = ids[^1];
            var audience = Audience(session, program, trigger, customers);
            if (audience.Count == 0)
                continue;

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var before = session.RunsAdded;
            await EnterAsync(session, program, trigger, audience, cancellationToken);
            entered += session.RunsAdded - before;
            await session.SaveAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The ids of those of <paramref name="customers"/> (read untracked) who may be in the trigger's audience, in the order given.</summary>
    private static List<string> Audience(EngineSession session, FlowProgram program, TriggerNode trigger, IReadOnlyList<CustomerRecord> customers) =>
        customers.Where(c => MayBeInAudience(session, program, trigger, c)).Select(c => c.Id).ToList();

    /// <summary>The <paramref name="audience"/> enters the trigger's flow, subject to the entry rules, in order.</summary>
    private async Task EnterAsync(EngineSession session, FlowProgram program, TriggerNode trigger, List<string> audience, CancellationToken cancellationToken)
    {
        await session.PreloadAsync(audience, cancellationToken);
        foreach (var id in audience)
            await TryEnterAsync(session, program, trigger, await session.CustomerAsync(id, cancellationToken), null, cancellationToken);
    }

    /// <summary>The next <paramref name="batchSize"/> known (not anonymous) customers after <paramref name="after"/>, in id order, untracked.</summary>
    private static async Task<List<CustomerRecord>> KnownCustomersAsync(FlowDbContext db, string? after, int batchSize, CancellationToken cancellationToken)
    {
        var customers = new List<CustomerRecord>(batchSize);
        await foreach (var customer in KnownCustomersAfter(db, after, batchSize).WithCancellation(cancellationToken))
            customers.Add(customer);
        return customers;
    }

    private static readonly Func<FlowDbContext, string?, int, IAsyncEnumerable<CustomerRecord>> KnownCustomersAfter =
        EF.CompileAsyncQuery((FlowDbContext db, string? after, int batchSize) => db.Customers.AsNoTracking()
            .Where(c => !c.IsAnonymous && (after == null || c.Id.CompareTo(after) > 0))
            .OrderBy(c => c.Id).Take(batchSize));

    /// <summary>
    /// The audience test on a profile read without tracking: most customers stay out of a daily
    /// audience, and tracking and preloading every customer every day cost far more than the test.
    /// Those who pass (or whose test fails, which <see cref="TryEnterAsync"/> then records) go on.
    /// </summary>
    private static bool MayBeInAudience(EngineSession session, FlowProgram program, TriggerNode trigger, CustomerRecord customer)
    {
        if (trigger.Audience is not { } audience)
            return true;
        try
        {
            return program.Test(audience, new ExpressionScope(session.Input(customer), EventInput.None, RunInput.None));
        }
        catch (ExpressionFailedException)
        {
            return true;
        }
    }

    /// <summary>Enters the customers whose date trigger moments fall in (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public async Task<int> SweepDatesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await Control.IsGloballyPausedAsync(db, cancellationToken))
            return 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        using var session = new EngineSession(db, catalog, await Control.SettingsAsync(db, cancellationToken), time.GetUtcNow()) { Memory = Memory };
        var entered = 0;
        foreach (var program in await Control.ActiveProgramsAsync(db, catalog, cancellationToken))
        {
            foreach (var trigger in program.Triggers.Where(t => t.On == TriggerKind.Date))
            {
                var due = await DateTriggers.DueCustomersAsync(db, trigger, session.StoreTimeZone, from, to, cancellationToken);
                await session.PreloadAsync(due, cancellationToken);
                foreach (var id in due)
                {
                    var before = session.RunsAdded;
                    await TryEnterAsync(session, program, trigger, await session.CustomerAsync(id, cancellationToken), null, cancellationToken);
                    entered += session.RunsAdded - before;
                }
            }
        }

        await session.SaveLastAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entered;
    }

    /// <summary>The next moment a date trigger of an active flow is due after <paramref name="after"/>.</summary>
    public async Task<DateTimeOffset?> NextDateMomentAsync(DateTimeOffset after, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var store = (await Control.SettingsAsync(db, cancellationToken)).Guardrails.StoreTimeZone;
        DateTimeOffset? next = null;
        foreach (var program in await Control.ActiveProgramsAsync(db, catalog, cancellationToken))
        {
            foreach (var trigger in program.Triggers.Where(t => t.On == TriggerKind.Date))
            {
                var moment = await DateTriggers.NextMomentAsync(db, trigger, store, after, cancellationToken);
                if (next is null || moment < next)
                    next = moment;
            }
        }

        return next;
    }

    /// <summary>The earliest due time of a waiting run of a flow that may act; null when none waits.</summary>
    public async Task<DateTimeOffset?> NextWakeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await NextWakeAsync(db, cancellationToken);
    }

    /// <summary>As <see cref="NextWakeAsync(CancellationToken)"/>, on a context the caller holds.</summary>
    public async Task<DateTimeOffset?> NextWakeAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var held = await Control.HeldFlowIdsAsync(db, cancellationToken);
        return await db.Runs.Where(r => r.Status == RunStatus.Waiting && r.WakeAt != null && !held.Contains(r.FlowId)).MinAsync(r => r.WakeAt, cancellationToken);
    }
}
