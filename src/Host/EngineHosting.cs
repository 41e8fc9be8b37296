using Quartz;
using ReEngage.Flows.Engine;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Scheduling;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Host;

/// <summary>Composes the engine into the host and brings it up: database, flow files, schedules.</summary>
internal static partial class EngineHosting
{
    public static IServiceCollection AddReEngageEngine(this IServiceCollection services, ReEngageOptions options, string contentRoot)
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(AppContext.BaseDirectory, "data"));
        if (!Enum.TryParse<StorageProvider>(options.Storage.Provider, ignoreCase: true, out var provider))
            throw new InvalidOperationException($"ReEngage:Storage:Provider '{options.Storage.Provider}' is not one of: Sqlite, Postgres.");

        options.DataDirectory = dataDirectory;
        options.WorkflowsDirectory = Path.GetFullPath(options.WorkflowsDirectory ?? FindWorkflows(contentRoot));
        return services.AddFlowEngine(new StorageOptions { Provider = provider, SqlitePath = Path.Combine(dataDirectory, "reengage.db") }, options.Channels);
    }

    /// <summary>Migrates the database, publishes new or changed flow files and schedules their triggers.</summary>
    public static async Task PrepareEngineAsync(this WebApplication app)
    {
        var services = app.Services;
        var options = services.GetRequiredService<ReEngageOptions>();
        var databases = services.GetRequiredService<FlowDbContextFactory>();
        var catalog = services.GetRequiredService<FlowCatalog>();
        var time = services.GetRequiredService<TimeProvider>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("ReEngage.Startup");

        await using (var db = databases.CreateDbContext())
            await StorageSetup.MigrateAsync(db);

        foreach (var result in await WorkflowFolder.SyncAsync(databases, catalog, options.WorkflowsDirectory!, time.GetUtcNow()))
        {
            if (result.Version is null)
                FlowFileRejected(log, result.Path, result.Problems.Count);
            else if (result.Created)
                FlowPublished(log, result.FlowId!, result.Version.Value, result.Path);
        }

        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await using (var db = databases.CreateDbContext())
            await ScheduleSync.SyncAsync(scheduler, await catalog.ActiveProgramsAsync(db), time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flow file {Path} was not loaded: {Count} problems (run `validate` on it)")]
    private static partial void FlowFileRejected(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Flow {FlowId} published as version {Version} from {Path}")]
    private static partial void FlowPublished(ILogger logger, string flowId, int version, string path);

    /// <summary>The repository's workflows/ folder, found by walking up from the content root.</summary>
    private static string FindWorkflows(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "ReEngage.Flows.sln")))
                return candidate;
        }

        return Path.Combine(contentRoot, "workflows");
    }
}
