using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>A customer's entries come with the profile, are changed in memory and written back with the batch.</summary>
public sealed class EntryPreloadTests : IAsyncLifetime
{
    private EngineHarness h = null!;

    public async Task InitializeAsync() => h = await EngineHarness.CreateAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task Entries_are_read_with_the_profile_and_written_back_with_the_batch()
    {
        var stored = new CustomerRecord { Id = "c1" };
        var seed = CustomerEntries.Parse(stored);
        seed.Enter("cart", EngineHarness.Start.AddDays(-1));
        seed.Enter("cart", EngineHarness.Start);
        seed.Enter("welcome", EngineHarness.Start.AddDays(-9));
        seed.WriteInto(stored);
        await h.WithDbAsync(async db =>
        {
            db.Customers.Add(stored);
            await db.SaveChangesAsync();
        });

        await using (var db = h.Databases.CreateDbContext())
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var session = new EngineSession(db, h.Parts.Catalog, new StoreSettings(), EngineHarness.Start);
            await session.PreloadAsync(["c1"], CancellationToken.None);
            var entries = await session.EntriesAsync("c1", CancellationToken.None);
            Assert.Equal(new FlowEntry(EngineHarness.Start, 2), entries.Of("cart"));
            Assert.Equal(new FlowEntry(EngineHarness.Start.AddDays(-9), 1), entries.Of("welcome"));
            Assert.Null(entries.Of("birthday"));
            Assert.Same(entries, await session.EntriesAsync("c1", CancellationToken.None));

            entries.Enter("birthday", EngineHarness.Start.AddHours(1));
            await session.SaveAsync(CancellationToken.None);
            await transaction.CommitAsync();
        }

        await h.WithDbAsync(async db =>
        {
            var entries = CustomerEntries.Parse((await db.Customers.FindAsync("c1"))!);
            Assert.Equal(new FlowEntry(EngineHarness.Start.AddHours(1), 1), entries.Of("birthday"));
            Assert.Equal(new FlowEntry(EngineHarness.Start, 2), entries.Of("cart"));
            Assert.Equal(3, entries.Count);
        });
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"cart":[1]}""")]
    [InlineData("""{"cart":"x"}""")]
    [InlineData("""{"cart":[1,2""")]
    [InlineData("""{"cart":[1,2],"cart":[3,4]}""")]
    public void Entries_not_in_the_stored_shape_fail_naming_the_customer(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => CustomerEntries.Parse(new CustomerRecord { Id = "c-77", EntriesJson = json }));
        Assert.Contains("c-77", error.Message, StringComparison.Ordinal);
        Assert.Contains("EntriesJson", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_stored_out_of_order_read_by_flow_and_are_written_back_in_order()
    {
        var at = EngineHarness.Start.UtcTicks;
        var entries = CustomerEntries.Parse(new CustomerRecord { Id = "c1", EntriesJson = $$"""{"welcome":[{{at}},1],"cart":[{{at}},2]}""" });
        Assert.Equal(2, entries.Of("cart")?.Count);
        entries.Enter("birthday", EngineHarness.Start);
        Assert.Equal($$"""{"birthday":[{{at}},1],"cart":[{{at}},2],"welcome":[{{at}},1]}""", entries.ToJson());
    }

    [Fact]
    public void A_merge_adds_counts_and_keeps_the_later_entry()
    {
        var mine = CustomerEntries.Parse(new CustomerRecord { Id = "c1" });
        mine.Enter("cart", EngineHarness.Start);
        var theirs = CustomerEntries.Parse(new CustomerRecord { Id = "anon:a1" });
        theirs.Enter("cart", EngineHarness.Start.AddDays(2));
        theirs.Enter("cart", EngineHarness.Start.AddDays(3));
        theirs.Enter("welcome", EngineHarness.Start.AddDays(1));

        mine.Merge(theirs);

        Assert.Equal(new FlowEntry(EngineHarness.Start.AddDays(3), 3), mine.Of("cart"));
        Assert.Equal(new FlowEntry(EngineHarness.Start.AddDays(1), 1), mine.Of("welcome"));
    }
}
