using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Storage;

/// <summary>The EntriesInProfiles migration moves every entry row into its customer's profile, and back down.</summary>
public sealed class EntriesInProfilesTests : IDisposable
{
    private const string Before = "20261202042747_LeanerKeys";

    private readonly StoreFolder store = new("entries-in-profiles");

    public void Dispose() => store.Dispose();

    [Fact]
    public async Task Entries_move_into_their_profiles_and_back()
    {
        var at = new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero);
        var databases = store.Databases();
        await using (var db = databases.CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync(Before);
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "Customers" ("Id", "IsAnonymous", "AttributesJson", "TagsJson", "ConsentJson", "Points", "OrderCount", "TotalSpent", "CartValue", "RfmR", "RfmF", "RfmM")
                VALUES ('c-1', 0, '{"{}"}', '[]', '{"{}"}', 0, 0, 0, 0, 0, 0, 0), ('c-2', 0, '{"{}"}', '[]', '{"{}"}', 0, 0, 0, 0, 0, 0, 0), ('c-3', 0, '{"{}"}', '[]', '{"{}"}', 0, 0, 0, 0, 0, 0, 0);
                INSERT INTO "Entries" ("FlowId", "CustomerId", "LastEnteredAt", "Entries")
                VALUES ('welcome', 'c-1', {at.UtcTicks}, 1), ('cart', 'c-1', {at.AddDays(-3).UtcTicks}, 4), ('cart', 'c-2', {at.UtcTicks}, 2);
                """);
            await StorageSetup.MigrateAsync(db);
        }

        await using (var db = databases.CreateDbContext())
        {
            var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
            Assert.Equal($$"""{"cart":[{{at.AddDays(-3).UtcTicks}},4],"welcome":[{{at.UtcTicks}},1]}""", customers[0].EntriesJson);
            var first = CustomerEntries.Parse(customers[0]);
            Assert.Equal(new FlowEntry(at.AddDays(-3), 4), first.Of("cart"));
            Assert.Equal(new FlowEntry(at, 1), first.Of("welcome"));
            Assert.Equal(new FlowEntry(at, 2), CustomerEntries.Parse(customers[1]).Of("cart"));
            Assert.Equal("{}", customers[2].EntriesJson);
            Assert.Empty(await db.Database.SqlQueryRaw<string>("""SELECT "name" AS "Value" FROM "sqlite_schema" WHERE "name" = 'Entries'""").ToListAsync());

            await db.GetService<IMigrator>().MigrateAsync(Before);
        }

        await using (var db = databases.CreateDbContext())
        {
            var rows = await db.Database.SqlQueryRaw<string>(
                """SELECT "CustomerId" || ' ' || "FlowId" || ' ' || "LastEnteredAt" || ' ' || "Entries" AS "Value" FROM "Entries" ORDER BY 1""").ToListAsync();
            Assert.Equal([$"c-1 cart {at.AddDays(-3).UtcTicks} 4", $"c-1 welcome {at.UtcTicks} 1", $"c-2 cart {at.UtcTicks} 2"], rows);
        }
    }
}
