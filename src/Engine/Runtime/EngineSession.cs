using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// One unit of work of the engine at one instant: a database context inside one transaction, the
/// store settings, and the profiles and events loaded so far. Everything a batch changes commits
/// together or not at all.
/// </summary>
internal sealed class EngineSession(FlowDbContext db, FlowCatalog catalog, StoreSettings settings, DateTimeOffset now)
{
    private readonly Dictionary<string, CustomerRecord> customers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, EventInput> events = [];

    public FlowDbContext Db { get; } = db;

    public FlowCatalog Catalog { get; } = catalog;

    public StoreSettings Settings { get; } = settings;

    public DateTimeOffset Now { get; set; } = now;

    public string StoreTimeZone => Settings.Guardrails.StoreTimeZone;

    public async Task<CustomerRecord> CustomerAsync(string id, CancellationToken cancellationToken)
    {
        if (customers.TryGetValue(id, out var cached))
            return cached;
        var customer = await Db.Customers.FindAsync([id], cancellationToken);
        if (customer is null)
        {
            customer = new CustomerRecord { Id = id };
            Db.Customers.Add(customer);
        }

        return customers[id] = customer;
    }

    public void Forget(string customerId) => customers.Remove(customerId);

    /// <summary>Drops every loaded profile (after the change tracker was cleared).</summary>
    public void ForgetAll() => customers.Clear();

    public DateTimeZone ZoneOf(CustomerRecord customer) => LocalClock.Zone(customer.TimeZone, StoreTimeZone);

    public CustomerInput Input(CustomerRecord customer) =>
        CustomerProfile.ToInput(customer, Now, new StoredEventCounter(Db, customer.Id, Now), StoreTimeZone, Settings.Guardrails.RequireOptIn);

    public async Task<EventInput> EventAsync(long? seq, CancellationToken cancellationToken)
    {
        if (seq is not { } key)
            return EventInput.None;
        if (events.TryGetValue(key, out var cached))
            return cached;
        var record = await Db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.Seq == key, cancellationToken);
        return record is null ? EventInput.None : Remember(record);
    }

    public EventInput Remember(EventRecord record)
    {
        var input = new EventInput
        {
            Type = record.Type,
            EventId = record.EventId,
            CustomerId = record.CustomerId,
            OccurredAt = record.OccurredAt,
            Properties = new ValueBag(CustomerProfile.Scalars(JsonNode.Parse(record.PropertiesJson) as JsonObject)),
        };
        events[record.Seq] = input;
        return input;
    }

    public JsonObject? EventProperties(long? seq) =>
        seq is { } key && Db.Events.Local.FirstOrDefault(e => e.Seq == key) is { } local
            ? JsonNode.Parse(local.PropertiesJson) as JsonObject
            : seq is { } k ? JsonNode.Parse(Db.Events.AsNoTracking().Where(e => e.Seq == k).Select(e => e.PropertiesJson).FirstOrDefault() ?? "{}") as JsonObject
            : null;

    public static RunInput RunInput(RunRecord run, DateTimeOffset now) => new()
    {
        FlowId = run.FlowId,
        FlowVersion = run.Version,
        EnteredAt = run.EnteredAt,
        DaysSinceEntered = (int)Math.Floor((now - run.EnteredAt).TotalDays),
        MessagesSent = run.MessagesSent,
        Branch = run.Branch,
    };

    /// <summary>Counts stored events of one customer (the current batch's are saved before any expression runs).</summary>
    private sealed class StoredEventCounter(FlowDbContext db, string customerId, DateTimeOffset now) : IEventCounter
    {
        public int Count(string type, Period window)
        {
            var from = LocalClock.Add(now, Period.Zero - window, DateTimeZone.Utc);
            return db.Events.AsNoTracking().Count(e => e.CustomerId == customerId && e.Type == type && e.OccurredAt > from && e.OccurredAt <= now);
        }
    }

    public static string ToJson(JsonObject? properties) => properties?.ToJsonString() ?? "{}";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
