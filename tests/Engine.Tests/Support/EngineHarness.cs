using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Support;

/// <summary>
/// The real engine over a real SQLite file on a fake clock: publish flows, send events, move time,
/// and read back runs, steps and the outbox.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly DirectoryInfo folder;
    private int eventCounter;

    private EngineHarness(DirectoryInfo folder, FlowDbContextFactory databases, FakeTimeProvider clock)
    {
        this.folder = folder;
        Databases = databases;
        Clock = clock;
        Parts = new EngineParts(databases, clock);
    }

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public FlowDbContextFactory Databases { get; }

    public FakeTimeProvider Clock { get; }

    public EngineParts Parts { get; }

    public FlowEngine Engine => Parts.Engine;

    public static async Task<EngineHarness> CreateAsync(StoreSettings? settings = null, DateTimeOffset? start = null)
    {
        var folder = Directory.CreateTempSubdirectory("reengage-engine-db-");
        var databases = await FlowDbContextFactory.SqliteAsync(Path.Combine(folder.FullName, "engine.db"));
        var harness = new EngineHarness(folder, databases, new FakeTimeProvider(start ?? Start));
        await using var db = databases.CreateDbContext();
        await EngineState.SaveSettingsAsync(db, settings ?? new StoreSettings
        {
            CouponPools = [new CouponPoolDefinition { Id = "CART10", Pattern = "CART-########", ValidFor = "P14D" }],
        });
        return harness;
    }

    public async Task<int> PublishAsync(string json)
    {
        await using var db = Databases.CreateDbContext();
        var settings = await EngineState.SettingsAsync(db);
        var flow = FlowJson.Deserialize(json);
        var result = await Parts.Catalog.PublishAsync(db, flow, Clock.GetUtcNow(),
            new FlowValidationContext { CouponPools = settings.CouponPools.Select(p => p.Id).ToHashSet() });
        Assert.True(result.Published, string.Join("\n", result.Problems));
        return result.Version!.Value;
    }

    public async Task<IngestOutcome> SendAsync(string type, string customerId, object? properties = null, string? eventId = null, DateTimeOffset? at = null, string? anonymousId = null)
    {
        var outcomes = await Engine.IngestAsync([Event(type, customerId, properties, eventId, at, anonymousId)]);
        await Parts.Dispatcher.DispatchAsync();
        return outcomes.Single();
    }

    public IncomingEvent Event(string type, string? customerId, object? properties = null, string? eventId = null, DateTimeOffset? at = null, string? anonymousId = null) => new()
    {
        EventId = eventId ?? $"ev-{Interlocked.Increment(ref eventCounter)}",
        Type = type,
        CustomerId = customerId,
        AnonymousId = anonymousId,
        OccurredAt = at ?? Clock.GetUtcNow(),
        Properties = properties is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(properties))!.AsObject(),
    };

    /// <summary>Moves the clock forward, stopping at every due time on the way as the engine tick would.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        var target = Clock.GetUtcNow() + by;
        while (await Engine.NextWakeAsync() is { } wake && wake <= target)
        {
            if (wake > Clock.GetUtcNow())
                Clock.SetUtcNow(wake);
            await Engine.TickAsync();
            await Parts.Dispatcher.DispatchAsync();
        }

        Clock.SetUtcNow(target);
        await Engine.TickAsync();
        await Parts.Dispatcher.DispatchAsync();
    }

    public async Task<List<MessageRecord>> MessagesAsync()
    {
        await using var db = Databases.CreateDbContext();
        return await db.Messages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    public async Task<List<RunRecord>> RunsAsync(string? flowId = null)
    {
        await using var db = Databases.CreateDbContext();
        return await db.Runs.AsNoTracking().Where(r => flowId == null || r.FlowId == flowId).OrderBy(r => r.Id).ToListAsync();
    }

    public async Task<List<StepRecord>> StepsAsync(Guid runId)
    {
        await using var db = Databases.CreateDbContext();
        return StepLog.Read(await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId));
    }

    public async Task<CustomerRecord?> CustomerAsync(string id)
    {
        await using var db = Databases.CreateDbContext();
        return await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id);
    }

    public async Task WithDbAsync(Func<FlowDbContext, Task> action)
    {
        await using var db = Databases.CreateDbContext();
        await action(db);
        await db.SaveChangesAsync();
    }

    public async Task SetFlowStatusAsync(string flowId, FlowStatus status) =>
        await WithDbAsync(async db => (await db.Flows.SingleAsync(f => f.Id == flowId)).Status = status);

    /// <summary>
    /// The flows' run tallies as they must be: what counting the store's runs by flow, status and
    /// (while under way) node gives. Every scenario ends with this check (see <see cref="DisposeAsync"/>).
    /// </summary>
    public async Task AssertTalliesMatchRunsAsync()
    {
        await using var db = Databases.CreateDbContext();
        var runs = await db.Runs.AsNoTracking().Select(r => new { r.FlowId, r.Status, r.NodeId }).ToListAsync();
        var counted = runs.GroupBy(r => $"{r.FlowId} {r.Status} {RunTallyRecord.NodeOf(r.Status, r.NodeId)}").Select(g => $"{g.Key}: {g.Count()}");
        var tallied = (await db.RunTallies.AsNoTracking().ToListAsync()).Where(t => t.Count != 0).Select(t => $"{t.FlowId} {t.Status} {t.NodeId}: {t.Count}");
        Assert.Equal(counted.Order(StringComparer.Ordinal), tallied.Order(StringComparer.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(folder.FullName, "engine.db")))
                await AssertTalliesMatchRunsAsync();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await Task.Yield();
            folder.Delete(recursive: true);
        }
    }
}
