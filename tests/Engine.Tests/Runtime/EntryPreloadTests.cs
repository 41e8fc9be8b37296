using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>A batch reads only the entries of the flows its events may enter; any other is read when asked for.</summary>
public sealed class EntryPreloadTests : IAsyncLifetime
{
    private EngineHarness h = null!;

    public async Task InitializeAsync() => h = await EngineHarness.CreateAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task An_entry_of_a_flow_not_preloaded_is_read_when_asked_for()
    {
        await h.WithDbAsync(async db =>
        {
            db.Entries.Add(new EntryRecord { FlowId = "cart", CustomerId = "c1", LastEnteredAt = EngineHarness.Start, Entries = 2 });
            db.Entries.Add(new EntryRecord { FlowId = "welcome", CustomerId = "c1", LastEnteredAt = EngineHarness.Start.AddDays(-9), Entries = 1 });
            await db.SaveChangesAsync();
        });

        await using var db = h.Databases.CreateDbContext();
        var session = new EngineSession(db, h.Parts.Catalog, new StoreSettings(), EngineHarness.Start);
        await session.PreloadAsync(["c1"], new Dictionary<string, HashSet<string>> { ["cart"] = ["c1"] }, CancellationToken.None);

        Assert.Equal(2, (await session.EntryAsync("cart", "c1", CancellationToken.None))?.Entries);
        var welcome = await session.EntryAsync("welcome", "c1", CancellationToken.None);
        Assert.Equal((1, EngineHarness.Start.AddDays(-9)), (welcome?.Entries, welcome?.LastEnteredAt));
        Assert.Same(welcome, await session.EntryAsync("welcome", "c1", CancellationToken.None));
        Assert.Null(await session.EntryAsync("birthday", "c1", CancellationToken.None));
    }
}
