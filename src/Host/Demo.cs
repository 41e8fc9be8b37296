using System.Text.Json.Nodes;
using Bogus;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Host;

/// <summary>
/// <c>--demo</c>: a store with nobody in it gets a few hundred synthetic customers and a week of their
/// shopping (views, carts, searches, orders), and while the host runs a trickle of new events keeps
/// the counts moving. Deterministic (seeded), so two demos look alike.
/// </summary>
internal sealed class Demo(FlowEngine engine, TimeProvider time) : BackgroundService
{
    public const string Flag = "--demo";
    private const int Customers = 300;
    private static readonly string[] Zones = ["Europe/London", "America/New_York", "Asia/Ho_Chi_Minh", "Australia/Sydney", "Europe/Berlin"];

    public static async Task SeedAsync(IServiceProvider services, TextWriter console)
    {
        var databases = services.GetRequiredService<FlowDbContextFactory>();
        await using (var db = databases.CreateDbContext())
        {
            if (await db.Customers.AnyAsync())
                return;
            var faker = new Faker { Random = new Randomizer(20261123) };
            for (var i = 0; i < Customers; i++)
            {
                var first = faker.Name.FirstName();
                db.Customers.Add(new CustomerRecord
                {
                    Id = $"demo-{i:D3}",
                    Email = faker.Internet.Email(first).ToLowerInvariant(),
                    Phone = faker.Phone.PhoneNumber("+44 7### ######"),
                    TimeZone = faker.PickRandom(Zones),
                    AttributesJson = new JsonObject
                    {
                        ["firstName"] = first,
                        ["country"] = faker.Address.CountryCode(),
                        ["birthday"] = faker.Date.Past(50, new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    }.ToJsonString(),
                });
            }

            await db.SaveChangesAsync();
        }

        var engine = services.GetRequiredService<FlowEngine>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var random = new Randomizer(7);
        var events = Enumerable.Range(0, Customers * 12)
            .Select(i => Synthetic(random, now.AddMinutes(-random.Int(0, 7 * 24 * 60)), i))
            .OrderBy(e => e.OccurredAt)
            .ToList();
        foreach (var batch in events.Chunk(500))
            await engine.IngestAsync(batch);
        await console.WriteLineAsync($"Demo: {Customers} customers and {events.Count} events of the past week loaded; new events arrive every few seconds.");
    }

    private static IncomingEvent Synthetic(Randomizer random, DateTimeOffset at, int n)
    {
        var type = random.WeightedRandom(
            ["product.viewed", "category.viewed", "search.performed", "cart.added", "order.placed", "store.followed"],
            [0.45f, 0.15f, 0.1f, 0.15f, 0.1f, 0.05f]);
        var properties = type switch
        {
            "search.performed" => new JsonObject { ["query"] = random.ArrayElement(["red dress", "running shoes", "ink cartridge", "coffee beans"]) },
            "order.placed" => new JsonObject { ["orderId"] = $"demo-order-{n}", ["total"] = random.Int(12, 240) },
            "cart.added" => new JsonObject { ["productId"] = $"p-{random.Int(1, 80)}", ["productName"] = "Demo product", ["price"] = random.Int(5, 120) },
            _ => new JsonObject { ["productId"] = $"p-{random.Int(1, 80)}", ["productName"] = "Demo product", ["categoryId"] = $"c-{random.Int(1, 9)}" },
        };
        return new IncomingEvent { EventId = $"demo-{n}-{at.UtcTicks}", Type = type, CustomerId = $"demo-{random.Int(0, Customers - 1):D3}", OccurredAt = at, Properties = properties };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Randomizer();
        var n = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
                return;
            await engine.IngestAsync([Synthetic(random, time.GetUtcNow(), 1_000_000 + n++)], stoppingToken);
        }
    }
}
