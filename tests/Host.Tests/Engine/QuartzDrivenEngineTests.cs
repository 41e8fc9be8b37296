using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReEngage.Flows.Engine;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Host.Tests.Engine;

/// <summary>The engine as the host runs it: the real Quartz scheduler drives the tick and the dispatcher on the real clock.</summary>
public sealed class QuartzDrivenEngineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-quartz-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Quartz_advances_a_delayed_run_and_dispatches_its_message_without_anyone_calling_the_engine()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddFlowEngine(new StorageOptions { SqlitePath = Path.Combine(folder, "reengage.db") });
        using var host = builder.Build();
        var databases = host.Services.GetRequiredService<FlowDbContextFactory>();
        await using (var db = databases.CreateDbContext())
        {
            await StorageSetup.MigrateAsync(db);
            var flow = FlowJson.Deserialize("""
                { "id": "soon", "name": "Two seconds later", "entry": { "reentry": "always" },
                  "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "store.followed" },
                             { "id": "d", "type": "delay", "for": "PT2S" },
                             { "id": "m", "type": "action", "do": "send", "channel": "push", "title": "Hi", "body": "Welcome" } ],
                  "edges": [ { "from": "t", "to": "d" }, { "from": "d", "to": "m" } ] }
                """);
            Assert.True((await host.Services.GetRequiredService<FlowCatalog>().PublishAsync(db, flow, DateTimeOffset.UtcNow, FlowValidationContext.Empty)).Published);
        }

        await host.StartAsync();
        try
        {
            var engine = host.Services.GetRequiredService<FlowEngine>();
            await engine.IngestAsync([new IncomingEvent { Type = "store.followed", CustomerId = "c1", OccurredAt = DateTimeOffset.UtcNow, Properties = new JsonObject() }]);

            MessageRecord? message = null;
            for (var i = 0; i < 100 && message?.Status != MessageStatus.Sent; i++)
            {
                await Task.Delay(100);
                await using var db = databases.CreateDbContext();
                message = await db.Messages.AsNoTracking().SingleOrDefaultAsync();
            }

            Assert.NotNull(message);
            Assert.Equal(MessageStatus.Sent, message.Status);
            await using var check = databases.CreateDbContext();
            var run = await check.Runs.AsNoTracking().SingleAsync();
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.True(message.DoneAt - run.EnteredAt >= TimeSpan.FromSeconds(2));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
