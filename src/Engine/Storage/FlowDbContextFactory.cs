using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>Creates contexts of the configured provider; what the engine asks for is only <see cref="FlowDbContext"/>.</summary>
public sealed class FlowDbContextFactory : IDbContextFactory<FlowDbContext>
{
    private readonly Func<FlowDbContext> create;

    public FlowDbContextFactory(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                var builder = new DbContextOptionsBuilder<SqliteFlowDbContext>();
                StorageSetup.Configure(builder, options);
                var built = builder.Options;
                create = () => new SqliteFlowDbContext(built);
                break;
            default:
                throw new NotSupportedException($"Storage provider {options.Provider} is not available yet; use Sqlite.");
        }
    }

    public StorageOptions Options { get; }

    public FlowDbContext CreateDbContext() => create();

    /// <summary>A factory for a SQLite file, migrated and ready.</summary>
    public static async Task<FlowDbContextFactory> SqliteAsync(string path, CancellationToken cancellationToken = default)
    {
        var factory = new FlowDbContextFactory(new StorageOptions { Provider = StorageProvider.Sqlite, SqlitePath = path });
        await using var db = factory.CreateDbContext();
        await StorageSetup.MigrateAsync(db, cancellationToken);
        return factory;
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite model.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFlowDbContext>
{
    public SqliteFlowDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteFlowDbContext>();
        StorageSetup.Configure(builder, new StorageOptions { SqlitePath = "design-time.db" });
        return new SqliteFlowDbContext(builder.Options);
    }
}
