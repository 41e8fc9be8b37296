using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Simulation;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Host.Tests.Engine;

/// <summary>
/// A worker process killed mid-batch loses nothing and sends nothing twice: after a restart every
/// run has advanced exactly once and every message went out under one idempotency key.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    // Enough work that the worker is still busy when the test sees its first commit: with 4 000 runs
    // a faster engine finished them all before the kill landed.
    private const int Runs = 20_000;
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private const string Flow = """
        { "id": "nudge", "name": "Nudge an hour later", "entry": { "reentry": "always" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "cart.added" },
                     { "id": "wait", "type": "delay", "for": "PT1H" },
                     { "id": "worth-it", "type": "condition", "expression": "customer.CartValue >= 0" },
                     { "id": "send", "type": "action", "do": "send", "channel": "push", "title": "Your cart", "body": "Still there, {{ customer.id }}" },
                     { "id": "skip", "type": "exit" } ],
          "edges": [ { "from": "t", "to": "wait" }, { "from": "wait", "to": "worth-it" },
                     { "from": "worth-it", "to": "send", "port": "true" }, { "from": "worth-it", "to": "skip", "port": "false" } ] }
        """;

    private async Task<FlowDbContextFactory> SeedAsync()
    {
        var databases = await FlowDbContextFactory.SqliteAsync(Path.Combine(folder, "reengage.db"));
        var past = new SimulationClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var parts = new EngineParts(databases, past);
        await using (var db = databases.CreateDbContext())
        {
            // Thousands of pushes in one week: lift the sender's quota so every message may go out.
            await EngineState.SaveSettingsAsync(db, new StoreSettings { Guardrails = new GuardrailSettings { WeeklyQuota = new WeeklyQuota { Minimum = 1_000_000 } } });
            Assert.True((await parts.Catalog.PublishAsync(db, FlowJson.Deserialize(Flow), past.Now, FlowValidationContext.Empty)).Published);
        }

        var events = Enumerable.Range(0, Runs).Select(i => new IncomingEvent
        {
            EventId = $"e{i}",
            Type = "cart.added",
            CustomerId = $"c{i}",
            OccurredAt = past.Now,
            Properties = new JsonObject { ["price"] = 10 },
        }).ToList();
        foreach (var chunk in events.Chunk(500))
            await parts.Engine.IngestAsync(chunk);
        return databases;
    }

    private Process StartWorker(string deliveryLog)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "ReEngage.Flows.Host.dll");
        return Process.Start(new ProcessStartInfo("dotnet", ["exec", host, "engine-worker", "--data-dir", folder, "--batch", "100", "--delivery-log", deliveryLog])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
    }

    private static async Task<(int Waiting, int Done, int Sent)> CountAsync(FlowDbContextFactory databases)
    {
        await using var db = databases.CreateDbContext();
        return (await db.Runs.CountAsync(r => r.Status == RunStatus.Waiting),
                await db.Runs.CountAsync(r => r.Status == RunStatus.Completed),
                await db.Messages.CountAsync(m => m.Status == MessageStatus.Sent));
    }

    [Fact]
    public async Task A_worker_killed_mid_batch_and_restarted_advances_every_run_once_and_sends_every_message_once()
    {
        var databases = await SeedAsync();
        var deliveryLog = Path.Combine(folder, "deliveries.log");

        using (var worker = StartWorker(deliveryLog))
        {
            var deadline = Stopwatch.StartNew();
            while ((await CountAsync(databases)).Done == 0 && deadline.Elapsed < TimeSpan.FromSeconds(60) && !worker.HasExited)
                await Task.Delay(20);
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }

        var afterCrash = await CountAsync(databases);
        Assert.True(afterCrash.Done > 0, "the worker was killed before it committed anything");
        Assert.True(afterCrash.Waiting > 0, "the worker finished before it could be killed; the test proves nothing");

        using (var again = StartWorker(deliveryLog))
        {
            await again.WaitForExitAsync();
            Assert.True(again.ExitCode == 0, await again.StandardError.ReadToEndAsync());
        }

        await using var db = databases.CreateDbContext();
        Assert.Equal(Runs, await db.Runs.CountAsync(r => r.Status == RunStatus.Completed));
        // Every run logged each node once, and the stats counted each step once.
        var logs = (await db.Runs.AsNoTracking().ToListAsync()).ConvertAll(StepLog.Read);
        Assert.All(logs, log => Assert.Single(log, s => s.NodeId == "worth-it"));
        Assert.All(logs, log => Assert.Single(log, s => s.NodeId == "send"));
        Assert.Equal(Runs, await db.NodeCounts.Where(c => c.NodeId == "worth-it").SumAsync(c => c.Count));
        Assert.Equal(Runs, await db.NodeCounts.Where(c => c.NodeId == "send").SumAsync(c => c.Count));
        var messages = await db.Messages.AsNoTracking().ToListAsync();
        Assert.Equal(Runs, messages.Count);
        Assert.All(messages, m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.Equal(Runs, messages.Select(m => m.RunId).Distinct().Count());

        var keys = await File.ReadAllLinesAsync(deliveryLog);
        Assert.Equal(messages.Select(m => $"reengage-{m.Id}").Order(), keys.Distinct().Order());
        Assert.True(keys.Length - keys.Distinct().Count() <= 1, "at most the one delivery in flight at the kill is repeated, under the same key");
    }
}
