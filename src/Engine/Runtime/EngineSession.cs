using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// One unit of work of the engine: a database context inside one transaction, the store settings,
/// and what the batch has loaded. A batch preloads the profiles (entries inside) and open runs of
/// the customers it touches, works on them in memory and writes everything once, so its cost
/// grows with its size, not with its square.
/// </summary>
internal sealed class EngineSession : IDisposable
{
    // Profiles and runs are read untracked and written by the session (see HeldRows): a batch reads
    // every profile and open run of its customers and changes few of the runs; a tick changes few of
    // the profiles it reads.
    private readonly HeldRows<string, CustomerRecord, CustomerColumns> customers = new(c => c.Id, CustomerColumns.Of);
    private readonly HeldRows<Guid, RunRecord, RunColumns> runs = new(r => r.Id, RunColumns.Of);
    private readonly HashSet<string> preloaded = new(StringComparer.Ordinal);

    // The entries of the profiles the session asked about, parsed from them; written back into the
    // profile when the batch is saved.
    private readonly Dictionary<string, (CustomerRecord Customer, CustomerEntries Entries)> entries = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, EventRecord> events = [];
    private readonly Dictionary<string, List<RunRecord>> runsByCustomer = new(StringComparer.Ordinal);
    private readonly HashSet<(string Customer, string Order)> orders = [];
    private readonly HashSet<string> ordersLoaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<MessageRecord>> unsavedMessages = new(StringComparer.Ordinal);

    // Events and outbox rows are only ever added by a batch, never changed by it: they are kept
    // here rather than in EF's change tracker, which would snapshot and re-scan each of them.
    private readonly List<EventRecord> newEvents = [];
    private readonly List<MessageRecord> newMessages = [];

    // The batch's steps, summed as the stats count them; added to the stored sums when it is written.
    private readonly Dictionary<(string Flow, string Node, StepOutcome Outcome, string Port, long Day), int> stepCounts = [];

    public EngineSession(FlowDbContext db, FlowCatalog catalog, StoreSettings settings, DateTimeOffset now)
    {
        Db = db;
        Catalog = catalog;
        Settings = settings;
        Now = now;

        // A batch reads the tracked entities (Local) constantly; scanning them all for changes on
        // every read would make a batch quadratic. Changes are detected once, in SaveAsync.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
    }

    /// <summary>Hands the session's maps of profiles and runs on to later sessions (see <see cref="HeldRows{TKey, TRow, TState}"/>).</summary>
    public void Dispose()
    {
        customers.Release();
        runs.Release();
    }

    public FlowDbContext Db { get; }

    public FlowCatalog Catalog { get; }

    public StoreSettings Settings { get; }

    public DateTimeOffset Now { get; set; }

    /// <summary>A replay's knowledge of what is stored (event ids, counted orders), used instead of querying; null outside a replay.</summary>
    public ReplayMemory? Memory { get; init; }

    /// <summary>Orders this session counted, in order (for <see cref="Memory"/> once the batch commits).</summary>
    public List<(string CustomerId, string OrderId)> CountedOrders { get; } = [];

    /// <summary>The week's quota as this batch first read it.</summary>
    public Guardrails.QuotaState? Quota { get; set; }

    /// <summary>This session's sends for <see cref="Quota"/>'s week that it had written when the quota was read (the read counted them).</summary>
    public int QuotaWrittenAtRead { get; set; }

    /// <summary>Adds an outbox row; until the batch is written, guardrails count it from here.</summary>
    public void Add(MessageRecord message)
    {
        newMessages.Add(message);
        if (!unsavedMessages.TryGetValue(message.CustomerId, out var list))
            unsavedMessages[message.CustomerId] = list = [];
        list.Add(message);
        if (CountsForQuota(message))
            Bump(sendsByWeek, WeekOf(message.DueAt));
        if (message.Status == MessageStatus.Pending)
            Pending.Add(message);
    }

    private static bool CountsForQuota(MessageRecord message) =>
        message.Kind == OutboxKind.Message && message.Channel != Model.Channel.Webhook && message.Status is MessageStatus.Pending or MessageStatus.Sent;

    private static void Bump(Dictionary<DateTimeOffset, int> counts, DateTimeOffset week) =>
        counts[week] = counts.GetValueOrDefault(week) + 1;

    private (DateTimeOffset Start, DateTimeOffset End) lastWeek = (DateTimeOffset.MaxValue, DateTimeOffset.MinValue);

    /// <summary>The start of the quota week <paramref name="at"/> falls in; a batch's sends mostly share one, so the last is kept.</summary>
    public DateTimeOffset WeekOf(DateTimeOffset at)
    {
        if (at >= lastWeek.Start && at < lastWeek.End)
            return lastWeek.Start;
        var start = Guardrails.Quota.WeekStart(at, StoreTimeZone);
        lastWeek = (start, Guardrails.Quota.WeekEnd(start, StoreTimeZone));
        return start;
    }

    private readonly Dictionary<DateTimeOffset, int> sendsByWeek = [];
    private readonly Dictionary<DateTimeOffset, int> writtenByWeek = [];

    /// <summary>Marketing sends this session queued for the week starting at <paramref name="weekStart"/>, written or not.</summary>
    public int SendsFor(DateTimeOffset weekStart) => sendsByWeek.GetValueOrDefault(weekStart);

    /// <summary>Of <see cref="SendsFor"/>, those the session has written already.</summary>
    public int WrittenFor(DateTimeOffset weekStart) => writtenByWeek.GetValueOrDefault(weekStart);

    /// <summary>Messages this session added as pending, written or not, until a replay delivers them (see <see cref="FlowEngine"/>).</summary>
    public List<MessageRecord> Pending { get; } = [];



    public IReadOnlyList<MessageRecord> UnsavedMessagesOf(string customerId) =>
        unsavedMessages.TryGetValue(customerId, out var list) ? list : [];

    /// <summary>Outbox rows added by this session and not yet written, in the order they were added.</summary>
    public IReadOnlyList<MessageRecord> UnsavedMessages => newMessages;

    /// <summary>Adds a stored event: written with the batch, and counted by the customer's later expressions.</summary>
    public void Add(EventRecord record)
    {
        newEvents.Add(record);
        events[record.Key] = record;
    }

    /// <summary>
    /// Adds a step to its run's log, as the next save writes it: each log is extended once a save,
    /// with every step the run took since. Extended at each step, the log was built again from the
    /// start for every step of a run (4 MB of strings in a P2 pass of 10 000 events).
    /// </summary>
    public void Log(RunRecord run, StepRecord step)
    {
        if (!unloggedSteps.TryGetValue(run, out var steps))
            unloggedSteps[run] = steps = new List<StepRecord>(4);
        steps.Add(step);
    }

    private readonly Dictionary<RunRecord, List<StepRecord>> unloggedSteps = new(ReferenceEqualityComparer.Instance);

    /// <summary>Writes the steps taken since the last save into their runs' logs (on a run read without its log, the steps since; see <see cref="logsUnread"/>).</summary>
    private void WriteStepsIntoLogs()
    {
        foreach (var (run, steps) in unloggedSteps)
            run.Log = StepLog.Append(run.Log, run.EnteredAt, steps);
        unloggedSteps.Clear();
    }

    /// <summary>Counts a step a run logged, for the node's stats (see <see cref="NodeCountRecord"/>).</summary>
    public void Count(StepRecord step)
    {
        var ticks = step.At.UtcTicks;
        var key = (step.FlowId, step.NodeId, step.Outcome, step.Port ?? "", ticks - (ticks % TimeSpan.TicksPerDay));
        stepCounts[key] = stepCounts.GetValueOrDefault(key) + 1;
    }

    private List<NodeCountRecord> StepCounts() => stepCounts.Select(c => new NodeCountRecord
    {
        FlowId = c.Key.Flow,
        NodeId = c.Key.Node,
        Outcome = c.Key.Outcome,
        Port = c.Key.Port,
        Day = new DateTimeOffset(c.Key.Day, TimeSpan.Zero),
        Count = c.Value,
    }).ToList();

    /// <summary>
    /// Runs the caller read untracked (due runs), seen from now on as their customers': the
    /// instances the session holds, which are earlier ones for runs it had read already.
    /// </summary>
    public List<RunRecord> Hold(IReadOnlyList<RunRecord> read) => read.Select(Hold).ToList();

    /// <summary>A run read through <see cref="Preloads"/> (without its step log where the store is SQLite).</summary>
    private RunRecord Hold(RunRecord read)
    {
        var run = runs.Read(read);
        if (ReferenceEquals(run, read))
        {
            Track(run);
            if (RunsReadWithoutLogs)
                logsUnread.Add(run);
        }

        return run;
    }

    // A batch only ever adds to a run's step log, and reading and rewriting the whole log of every
    // run it held was most of the bytes an ingest moved. So on SQLite runs are read without it: the
    // row's Log then holds only the steps taken since (a JSON array), which the writer appends to
    // the stored log. Runs the session starts, and runs read by EF Core, keep their whole log.
    private readonly HashSet<RunRecord> logsUnread = new(ReferenceEqualityComparer.Instance);

    private bool RunsReadWithoutLogs => BulkWriter.Supports(Db);

    /// <summary>How many runs the session has started.</summary>
    public int RunsAdded => runs.AddedCount;

    /// <summary>
    /// Writes the events added so far, and nothing else: what reads the store's events in SQL (the
    /// quota's audience of last week) then sees them, without the cost of detecting every change.
    /// </summary>
    public async Task WriteEventsAsync(CancellationToken cancellationToken)
    {
        Memory?.Wrote(newEvents);
        if (BulkWriter.Supports(Db))
            await BulkWriter.InsertAsync(Db, newEvents, cancellationToken);
        else
        {
            Db.Events.AddRange(newEvents);
            await Db.SaveChangesAsync(cancellationToken);
        }

        newEvents.Clear();
    }

    /// <summary>Writes everything the session added or changed (the only place changes are detected).</summary>
    public Task SaveAsync(CancellationToken cancellationToken) => SaveAsync(goingOn: true, cancellationToken);

    /// <summary>
    /// <see cref="SaveAsync(CancellationToken)"/> at the end of the session's batch: what it wrote is not
    /// taken as its rows' new stored state, since nothing asks after it (for a batch's new runs that
    /// was a snapshot each, and the map of them grown by half, in the large-object heap).
    /// </summary>
    public Task SaveLastAsync(CancellationToken cancellationToken) => SaveAsync(goingOn: false, cancellationToken);

    private async Task SaveAsync(bool goingOn, CancellationToken cancellationToken)
    {
        unsavedMessages.Clear();
        WriteStepsIntoLogs();
        foreach (var (customer, held) in entries.Values)
            held.WriteInto(customer);
        foreach (var message in newMessages.Where(CountsForQuota))
            Bump(writtenByWeek, WeekOf(message.DueAt));
        Db.ChangeTracker.DetectChanges();
        Memory?.Wrote(newEvents);
        var (addedRuns, changedRuns) = runs.Unwritten();
        var (appendedLogs, wholeLogs) = Split(changedRuns, logsUnread.Contains);
        var tallies = Tallies(addedRuns, changedRuns);
        var (addedCustomers, changedCustomers) = customers.Unwritten();
        if (BulkWriter.Supports(Db))
        {
            await BulkWriter.InsertAsync(Db, addedCustomers, cancellationToken);
            var (keepingIndexed, changingIndexed) = Split(changedCustomers, c => customers.Stored(c) is var stored && stored.Email == c.Email && stored.TimeZone == c.TimeZone);
            await BulkWriter.UpdateAsync(Db, changingIndexed, cancellationToken);
            await BulkWriter.UpdateExceptAsync(Db, keepingIndexed, ProfileIndexedColumns, cancellationToken);
            await BulkWriter.InsertAsync(Db, newEvents, cancellationToken);
            await BulkWriter.InsertAsync(Db, addedRuns, cancellationToken);
            await BulkWriter.UpdateExceptAsync(Db, wholeLogs, RunFixedColumns, cancellationToken);
            await BulkWriter.UpdateAppendingAsync(Db, appendedLogs, nameof(RunRecord.Log), RunFixedColumns, cancellationToken);
            await BulkWriter.AddUpAsync(Db, StepCounts(), cancellationToken);
            await BulkWriter.AddUpAsync(Db, tallies, cancellationToken);
            await BulkWriter.InsertAsync(Db, newMessages, cancellationToken);
            await BulkWriter.SaveAsync(Db, cancellationToken);
        }
        else
        {
            Db.Customers.AddRange(addedCustomers);
            Db.Customers.UpdateRange(changedCustomers);
            Db.Events.AddRange(newEvents);
            Db.Runs.AddRange(addedRuns);
            Db.Runs.UpdateRange(changedRuns);
            Db.Messages.AddRange(newMessages);
            await NodeCounts.AddUpAsync(Db, StepCounts(), cancellationToken);
            await NodeCounts.AddUpAsync(Db, tallies, cancellationToken);
            await Db.SaveChangesAsync(cancellationToken);
            foreach (var entry in Db.ChangeTracker.Entries().Where(e => e.Entity is EventRecord or NodeCountRecord or RunTallyRecord or MessageRecord or RunRecord or CustomerRecord).ToList())
                entry.State = EntityState.Detached;
        }

        foreach (var run in appendedLogs)
            run.Log = "";   // appended to the stored log
        if (goingOn)
        {
            customers.Written(changedCustomers);
            runs.Written(changedRuns);
        }

        newEvents.Clear();
        stepCounts.Clear();
        newMessages.Clear();
    }

    /// <summary>What the runs written change in their flows' tallies (<see cref="RunTallyRecord"/>): new runs where they are, moved runs from where they were stored.</summary>
    private List<RunTallyRecord> Tallies(IReadOnlyList<RunRecord> added, IReadOnlyList<RunRecord> changed)
    {
        var moves = new Dictionary<(string Flow, RunStatus Status, string Node), int>();
        void Move((string, RunStatus, string) tally, int by) => moves[tally] = moves.GetValueOrDefault(tally) + by;

        foreach (var run in added)
            Move((run.FlowId, run.Status, RunTallyRecord.NodeOf(run.Status, run.NodeId)), 1);
        foreach (var run in changed)
        {
            var stored = runs.Stored(run);
            var (from, to) = ((run.FlowId, stored.Status, RunTallyRecord.NodeOf(stored.Status, stored.NodeId)), (run.FlowId, run.Status, RunTallyRecord.NodeOf(run.Status, run.NodeId)));
            if (from == to)
                continue;
            Move(from, -1);
            Move(to, 1);
        }

        var tallies = new List<RunTallyRecord>(moves.Count);
        foreach (var ((flow, status, node), by) in moves)
        {
            if (by != 0)
                tallies.Add(new RunTallyRecord { FlowId = flow, Status = status, NodeId = node, Count = by });
        }

        return tallies;
    }

    // The profile columns with an index of their own: a batch rarely changes them, and leaving them
    // out of an update spares their indexes (see BulkWriter.UpdateExceptAsync).
    private static readonly string[] ProfileIndexedColumns = [nameof(CustomerRecord.Email), nameof(CustomerRecord.TimeZone)];

    // A run's columns set when it starts and never after (an identity merge moves runs in SQL of its
    // own): left out of its updates, so that indexes on them are not rewritten with every step.
    internal static readonly string[] RunFixedColumns = [nameof(RunRecord.FlowId), nameof(RunRecord.Version), nameof(RunRecord.CustomerId), nameof(RunRecord.EnteredAt)];

    private static (List<T> Matching, List<T> Others) Split<T>(IReadOnlyList<T> rows, Func<T, bool> matches)
    {
        var (matching, others) = (new List<T>(rows.Count), new List<T>());
        foreach (var row in rows)
            (matches(row) ? matching : others).Add(row);
        return (matching, others);
    }

    public string StoreTimeZone => Settings.Guardrails.StoreTimeZone;

    /// <summary>Loads, in two queries, the profiles (with their entries) and open runs of these customers.</summary>
    public async Task PreloadAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        if (AllPreloaded(customerIds))
            return;   // asked again for each event of a batch preloaded at its start
        var missing = customerIds.Where(id => !preloaded.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in missing.Chunk(500))
        {
            var profiles = await Preloads.CustomersAsync(Db, chunk, cancellationToken);
            customers.EnsureRoom(profiles.Count);
            foreach (var customer in profiles)
                customers.Read(customer);
            var open = await Preloads.OpenRunsAsync(Db, chunk, cancellationToken);
            runs.EnsureRoom(open.Count);
            foreach (var run in open)
                Hold(run);
            preloaded.UnionWith(chunk);
        }
    }

    private bool AllPreloaded(IReadOnlyCollection<string> customerIds)
    {
        foreach (var id in customerIds)
        {
            if (!preloaded.Contains(id))
                return false;
        }

        return true;
    }

    /// <summary>
    /// Loads only the profiles of these customers, for a batch that enters no one and reacts to no
    /// event (a tick): their open runs are still read on first use, as for any customer
    /// not preloaded.
    /// </summary>
    public async Task PreloadProfilesAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        var missing = customerIds.Where(id => customers.Find(id) is null).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in missing.Chunk(500))
        {
            foreach (var customer in await Preloads.CustomersAsync(Db, chunk, cancellationToken))
                customers.Read(customer);
        }
    }

    /// <summary>Loads, in one query, the order ids already counted for these customers.</summary>
    public async Task PreloadOrdersAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        var missing = customerIds.Where(id => !ordersLoaded.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        if (Memory is { KnowsOrders: true } memory)
        {
            foreach (var id in missing)
            {
                foreach (var orderId in memory.OrdersOf(id))
                    orders.Add((id, orderId));
            }

            ordersLoaded.UnionWith(missing);
            return;
        }

        foreach (var chunk in missing.Chunk(500))
        {
            var stored = await Db.CustomerOrders.AsNoTracking().Where(o => chunk.Contains(o.CustomerId)).Select(o => new { o.CustomerId, o.OrderId }).ToListAsync(cancellationToken);
            foreach (var order in stored)
                orders.Add((order.CustomerId, order.OrderId));
            ordersLoaded.UnionWith(chunk);
        }
    }

    /// <summary>Counts an order once: true (and written with the batch) when the customer's order was not counted before.</summary>
    public async Task<bool> AddOrderAsync(string customerId, string orderId, CancellationToken cancellationToken)
    {
        if (!ordersLoaded.Contains(customerId))
            await PreloadOrdersAsync([customerId], cancellationToken);
        if (!orders.Add((customerId, orderId)))
            return false;
        Db.CustomerOrders.Add(new CustomerOrderRecord { CustomerId = customerId, OrderId = orderId });
        CountedOrders.Add((customerId, orderId));
        return true;
    }

    /// <summary>Forgets everything loaded (after the change tracker was cleared).</summary>
    public void Reset()
    {
        orders.Clear();
        ordersLoaded.Clear();
        customers.Clear();
        preloaded.Clear();
        events.Clear();
        eventInputs.Clear();
        eventModels.Clear();
        runsByCustomer.Clear();
        runs.Clear();
        logsUnread.Clear();
        unloggedSteps.Clear();
        entries.Clear();
        Quota = null;
    }

    /// <summary>Adds a run to the session: written with the batch, and seen by the customer's later events.</summary>
    public void Add(RunRecord run)
    {
        runs.Add(run);
        Track(run);
    }

    /// <summary>
    /// The known customers of <paramref name="stored"/> (in id order, as the store last committed them),
    /// with those this session holds as it has changed them, and the known ones it added, in id order.
    /// </summary>
    public IReadOnlyList<CustomerRecord> OverKnown(IReadOnlyList<CustomerRecord> stored)
    {
        if (customers.Count == 0)
            return stored;
        var storedIds = new HashSet<string>(stored.Select(c => c.Id), StringComparer.Ordinal);
        var added = customers.All.Where(c => !c.IsAnonymous && !storedIds.Contains(c.Id)).ToList();
        added.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id));

        // Both lists are in id order: one pass merges them.
        var merged = new List<CustomerRecord>(stored.Count + added.Count);
        var next = 0;
        foreach (var customer in stored)
        {
            while (next < added.Count && string.CompareOrdinal(added[next].Id, customer.Id) < 0)
                merged.Add(added[next++]);
            var current = customers.Find(customer.Id) ?? customer;
            if (!current.IsAnonymous)
                merged.Add(current);
        }

        merged.AddRange(added.Skip(next));
        return merged;
    }

    /// <summary>The customer's runs this session holds (loaded or added), whatever their status.</summary>
    public IReadOnlyList<RunRecord> HeldRunsOf(string customerId) =>
        runsByCustomer.TryGetValue(customerId, out var runs) ? runs : [];

    private void Track(RunRecord run)
    {
        if (!runsByCustomer.TryGetValue(run.CustomerId, out var list))
            runsByCustomer[run.CustomerId] = list = [];
        list.Add(run);
    }

    /// <summary>The customer's profile, a new one if the store has none; what the caller changes in it is written with the batch.</summary>
    public async ValueTask<CustomerRecord> CustomerAsync(string id, CancellationToken cancellationToken)
    {
        if (customers.Find(id) is { } held)
            return held;

        var stored = preloaded.Contains(id) ? null : await Preloads.Customer(Db, id);
        if (stored is not null)
            return customers.Read(stored);

        var customer = new CustomerRecord { Id = id };
        customers.Add(customer);
        return customer;
    }

    /// <summary>The customer's open runs (active or waiting), of one flow or all.</summary>
    public async ValueTask<List<RunRecord>> OpenRunsAsync(string customerId, string? flowId, CancellationToken cancellationToken)
    {
        if (!preloaded.Contains(customerId))
            await PreloadAsync([customerId], cancellationToken);
        var open = new List<RunRecord>();
        if (!runsByCustomer.TryGetValue(customerId, out var runs))
            return open;

        // Asked for every event of the batch: a loop and an in-place sort, not a LINQ pipeline.
        foreach (var run in runs)
        {
            if ((flowId is null || run.FlowId == flowId) && run.Status is RunStatus.Active or RunStatus.Waiting)
                open.Add(run);
        }

        if (open.Count > 1)
            open.Sort(ByEntry);
        return open;
    }

    private static readonly Comparison<RunRecord> ByEntry = (x, y) =>
        x.EnteredAt != y.EnteredAt ? x.EnteredAt.CompareTo(y.EnteredAt) : x.Id.CompareTo(y.Id);

    /// <summary>The customer's entries into every flow; what the caller changes in them is written with the batch.</summary>
    public async ValueTask<CustomerEntries> EntriesAsync(string customerId, CancellationToken cancellationToken)
    {
        if (entries.TryGetValue(customerId, out var held))
            return held.Entries;
        var customer = await CustomerAsync(customerId, cancellationToken);
        var parsed = CustomerEntries.Parse(customer);
        entries[customerId] = (customer, parsed);
        return parsed;
    }

    public DateTimeZone ZoneOf(CustomerRecord customer) => LocalClock.Zone(customer.TimeZone, StoreTimeZone);

    public CustomerInput Input(CustomerRecord customer) =>
        CustomerProfile.ToInput(customer, Now, new StoredEventCounter(Db, Memory is { KnowsEvents: true } memory ? memory : null, newEvents, customer.Id, Now), StoreTimeZone, Settings.Guardrails.RequireOptIn);

    /// <summary>Loads the events these runs point at, in one query.</summary>
    public async Task PreloadEventsAsync(IEnumerable<Guid?> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.OfType<Guid>().Where(k => !events.ContainsKey(k)).Distinct().ToList();
        foreach (var chunk in wanted.Chunk(500))
        {
            foreach (var record in await Preloads.EventsAsync(Db, chunk, cancellationToken))
                events[record.Key] = record;
        }
    }

    public async ValueTask<EventRecord?> EventRecordAsync(Guid? key, CancellationToken cancellationToken)
    {
        if (key is not { } k)
            return null;
        if (!events.TryGetValue(k, out var record))
        {
            record = await Db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.Key == k, cancellationToken);
            if (record is not null)
                events[k] = record;
        }

        return record;
    }

    public async ValueTask<EventInput> EventAsync(Guid? key, CancellationToken cancellationToken) =>
        await EventRecordAsync(key, cancellationToken) is { } record ? InputOf(record) : EventInput.None;

    // Every flow's trigger filter, condition and template reads its event's input: the properties
    // are parsed once per event and batch, not once per reader.
    private readonly Dictionary<Guid, EventInput> eventInputs = [];

    /// <summary>The <c>event</c> input of expressions and templates for a stored event.</summary>
    public EventInput InputOf(EventRecord record)
    {
        if (!eventInputs.TryGetValue(record.Key, out var input))
            eventInputs[record.Key] = input = ToInput(record);
        return input;
    }

    // Likewise the event's part of a template's model: every send of its runs renders with it (a
    // replay's order sends read the same order's items for each of its flows), and templates only read it.
    private readonly Dictionary<Guid, IReadOnlyDictionary<string, object?>> eventModels = [];

    /// <summary>The <c>event</c> part of the Liquid model for a stored event (see <see cref="TemplateModel"/>).</summary>
    public IReadOnlyDictionary<string, object?> ModelOf(EventRecord record)
    {
        if (!eventModels.TryGetValue(record.Key, out var model))
            eventModels[record.Key] = model = TemplateModel.Event(InputOf(record), record);
        return model;
    }

    private static EventInput ToInput(EventRecord record) => new()
    {
        Type = record.Type,
        EventId = record.EventId,
        CustomerId = record.CustomerId,
        OccurredAt = record.OccurredAt,
        Properties = new ValueBag(CustomerProfile.Scalars(JsonNode.Parse(record.PropertiesJson) as JsonObject)),
    };

    public static RunInput RunInput(RunRecord run, DateTimeOffset now) => new()
    {
        FlowId = run.FlowId,
        FlowVersion = run.Version,
        EnteredAt = run.EnteredAt,
        DaysSinceEntered = (int)Math.Floor((now - run.EnteredAt).TotalDays),
        MessagesSent = run.MessagesSent,
        Branch = run.Branch,
    };

    public static string ToJson(JsonObject? properties) => properties?.ToJsonString() ?? "{}";

    /// <summary>Counts one customer's events in a window: those written before, plus those of this batch not yet written.</summary>
    /// <remarks>A replay that knows every stored event (<paramref name="memory"/>) counts them there instead of querying.</remarks>
    private sealed class StoredEventCounter(FlowDbContext db, ReplayMemory? memory, IReadOnlyList<EventRecord> unsavedEvents, string customerId, DateTimeOffset now) : IEventCounter
    {
        public int Count(string type, Period window)
        {
            var from = LocalClock.Subtract(now, window, DateTimeZone.Utc);
            var unsaved = unsavedEvents.Count(e => e.CustomerId == customerId && e.Type == type && e.OccurredAt > from && e.OccurredAt <= now);
            return unsaved + (memory is { KnowsEvents: true } known ? known.CountEvents(customerId, type, from, now) : Preloads.CountEvents(db, customerId, type, from, now));
        }
    }
}

/// <summary>
/// Every column of a run that its updates write: what tells a held run changed (see <see cref="HeldRows{TKey, TRow, TState}"/>).
/// Those set when it starts (flow, version, customer, entry; <c>EngineSession.RunFixedColumns</c>) are left
/// out, as from its updates: a snapshot a run, and a batch holds a few thousand runs.
/// </summary>
internal readonly record struct RunColumns(
    RunStatus Status, string NodeId, DateTimeOffset? WakeAt, string? AwaitEvent, DateTimeOffset? EndedAt, string? EndReason,
    Guid? EventKey, string? Branch, string? LastMessageNodeId, int StepCount, int MessagesSent, string Log)
{
    public static RunColumns Of(RunRecord r) => new(
        r.Status, r.NodeId, r.WakeAt, r.AwaitEvent, r.EndedAt, r.EndReason,
        r.EventKey, r.Branch, r.LastMessageNodeId, r.StepCount, r.MessagesSent, r.Log);
}

/// <summary>Every stored column of a profile but its id (see <see cref="HeldRows{TKey, TRow, TState}"/>).</summary>
internal readonly record struct CustomerColumns(
    bool IsAnonymous, string? Email, string? Phone, string AttributesJson, string TagsJson, string ConsentJson, string? TimeZone,
    int Points, string? Tier, int OrderCount, decimal TotalSpent, decimal CartValue, DateTimeOffset? LastOrderAt,
    DateTimeOffset? LastSeenAt, DateTimeOffset? FirstSeenAt, int RfmR, int RfmF, int RfmM, string? RfmSegment, string EntriesJson)
{
    public static CustomerColumns Of(CustomerRecord c) => new(
        c.IsAnonymous, c.Email, c.Phone, c.AttributesJson, c.TagsJson, c.ConsentJson, c.TimeZone,
        c.Points, c.Tier, c.OrderCount, c.TotalSpent, c.CartValue, c.LastOrderAt,
        c.LastSeenAt, c.FirstSeenAt, c.RfmR, c.RfmF, c.RfmM, c.RfmSegment, c.EntriesJson);
}
