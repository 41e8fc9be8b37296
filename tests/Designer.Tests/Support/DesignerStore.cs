using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ReEngage.Flows.Designer.Data;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Tests.Support;

/// <summary>A real SQLite store in a temporary file, with the designer's services over it.</summary>
public sealed class DesignerStore : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("designer-tests-").FullName;

    private DesignerStore(FlowDbContextFactory databases, FakeTimeProvider time)
    {
        Databases = databases;
        Time = time;
        Desk = new FlowDesk(databases, new FlowCatalog(FlowValidator.Default), new MessageRenderer(), time);
        Customers = new CustomerDesk(databases, time);
    }

    public FlowDbContextFactory Databases { get; }

    public FakeTimeProvider Time { get; }

    public FlowDesk Desk { get; }

    public CustomerDesk Customers { get; }

    public static async Task<DesignerStore> CreateAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(Directory.CreateTempSubdirectory("designer-store-").FullName, "flows.db");
        return new DesignerStore(await FlowDbContextFactory.SqliteAsync(path), time);
    }

    /// <summary>Publishes a flow, so it is active with version 1.</summary>
    public async Task PublishAsync(FlowDefinition flow)
    {
        var result = await Desk.PublishAsync(flow);
        Assert.True(result.Published, string.Join("; ", result.Problems));
    }

    public async Task AddCustomerAsync(CustomerRecord customer)
    {
        await using var db = Databases.CreateDbContext();
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
