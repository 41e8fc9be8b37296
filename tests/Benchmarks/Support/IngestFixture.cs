using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>
/// P2's inputs: a store template with the 20 live flows published, and a day of shop traffic from
/// <see cref="Customers"/> customers — product and category views, searches, carts, checkouts,
/// orders — as <see cref="IncomingEvent"/> batches of <see cref="BatchSize"/>.
/// </summary>
internal sealed class IngestFixture : IDisposable
{
    public const int BatchSize = 500;
    public const int Customers = 2_000;

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly string folder;
    private int copies;
    private long logBytes;

    // One buffer for every copy's log: one a copy would be a large object each, and their budget
    // sets off full collections inside the passes measured.
    private static readonly byte[] Zeros = new byte[1 << 20];

    private IngestFixture(string folder, string template, IReadOnlyList<IReadOnlyList<IncomingEvent>> batches)
    {
        this.folder = folder;
        Template = template;
        Batches = batches;
    }

    public string Template { get; }

    public IReadOnlyList<IReadOnlyList<IncomingEvent>> Batches { get; }

    public int EventCount => Batches.Sum(b => b.Count);

    /// <summary>The engine's clock during ingest: just after the last event.</summary>
    public static DateTimeOffset Now(int events) => Start + TimeSpan.FromDays(1) * (events + 1) / events;

    public static async Task<IngestFixture> CreateAsync(int events, bool publishFlows = true)
    {
        var folder = Directory.CreateTempSubdirectory("reengage-bench-p2-").FullName;
        var template = Path.Combine(folder, "template.db");
        await using (var store = await BenchStore.CreateAsync(Start))
        {
            if (publishFlows)
                await store.PublishAsync(BenchFlows.TwentyLiveFlows());
            SqliteConnection.ClearAllPools();
            DueRunsFixture.Checkpoint(store.Path);
            File.Copy(store.Path, template);
        }

        var all = Traffic(events);
        var batches = all.Chunk(BatchSize).Select(b => (IReadOnlyList<IncomingEvent>)b).ToList();
        return new IngestFixture(folder, template, batches);
    }

    /// <summary>A reproducible mix of shop events, in time order over one day.</summary>
    public static IReadOnlyList<IncomingEvent> Traffic(int count)
    {
        var random = new Random(3);
        var events = new List<IncomingEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var customer = Bulk.Id("c-", random.Next(Customers));
            var product = random.Next(400);
            var price = Math.Round(5 + (product % 60) * 1.5, 2);
            var roll = random.Next(100);
            var (type, properties) = roll switch
            {
                < 35 => ("product.viewed", new JsonObject { ["productId"] = $"p-{product}", ["productName"] = $"Product {product}", ["price"] = price }),
                < 50 => ("category.viewed", new JsonObject { ["categoryId"] = $"cat-{product % 20}", ["categoryName"] = $"Category {product % 20}" }),
                < 60 => ("search.performed", new JsonObject { ["query"] = $"blue mug {product % 30}" }),
                < 80 => ("cart.added", new JsonObject { ["productId"] = $"p-{product}", ["productName"] = $"Product {product}", ["price"] = price, ["quantity"] = 1 + random.Next(3) }),
                < 85 => ("cart.removed", new JsonObject { ["productId"] = $"p-{product}", ["price"] = price, ["quantity"] = 1 }),
                < 90 => ("checkout.started", new JsonObject { ["cartValue"] = price * 2 }),
                _ => ("order.placed", new JsonObject { ["orderId"] = $"o-{i}", ["total"] = price * 2, ["productName"] = $"Product {product}" }),
            };
            events.Add(new IncomingEvent
            {
                EventId = $"e-{i.ToString(CultureInfo.InvariantCulture)}",
                Type = type,
                CustomerId = customer,
                OccurredAt = Start + TimeSpan.FromDays(1) * i / count,
                Properties = properties,
            });
        }

        return events;
    }

    /// <summary>The rows a plain insert writes for these events: the same columns the engine writes, keys made as the engine makes them.</summary>
    public static EventRecord Row(IncomingEvent incoming, DateTimeOffset receivedAt) => new()
    {
        Key = TimeOrderedIds.Next(receivedAt),
        EventId = incoming.EventId,
        Type = incoming.Type!,
        CustomerId = incoming.CustomerId!,
        AnonymousId = incoming.AnonymousId,
        OccurredAt = incoming.OccurredAt!.Value.ToUniversalTime(),
        ReceivedAt = receivedAt,
        PropertiesJson = incoming.Properties?.ToJsonString() ?? "{}",
    };

    /// <summary>
    /// A fresh copy of the template, with a write-ahead log as large as the largest an earlier pass
    /// left (see <see cref="KeepLogSize"/>). A running store's log keeps its size: after each
    /// checkpoint SQLite writes it again from its start, over blocks the file already has. A copy
    /// without one grew a new file with every frame, and an engine pass writes 60 MB of frames:
    /// allocating the file's blocks took a tenth of the pass (paired against copies with a log made
    /// first: 0.89×), a cost of the benchmark's fresh copies that a running host does not pay per
    /// batch. The log is zeros, synced before the pass: SQLite reads a log without a valid header
    /// as empty and writes over it.
    /// </summary>
    public string Copy()
    {
        var path = BenchStore.CopyFile(Template, Path.Combine(folder, $"run-{++copies}.db"));
        if (logBytes > 0)
        {
            using var log = new FileStream(path + "-wal", FileMode.CreateNew, FileAccess.Write);
            for (var written = 0L; written < logBytes; written += Zeros.Length)
                log.Write(Zeros, 0, (int)Math.Min(Zeros.Length, logBytes - written));
            log.Flush(flushToDisk: true);
        }

        return path;
    }

    /// <summary>Notes the size of the log a pass on this copy grew (call while its store is still open: closing deletes the log).</summary>
    public void KeepLogSize(string path)
    {
        var log = new FileInfo(path + "-wal");
        if (log.Exists)
            logBytes = Math.Max(logBytes, log.Length);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
