using Quartz;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>The global pause switch and the health check.</summary>
internal static class EngineApi
{
    public sealed record PauseState(bool Paused);

    public static void MapEngine(this WebApplication app, RouteGroupBuilder api)
    {
        api.MapGet("/engine/pause", async (FlowDbContext db, CancellationToken ct) => new PauseState(await EngineState.IsGloballyPausedAsync(db, ct)))
            .RequireAuthorization(Roles.Policies.Read).WithTags("Engine").WithSummary("Whether every flow is paused.");
        api.MapPut("/engine/pause", async (PauseState state, FlowDbContext db, CancellationToken ct) =>
            {
                await EngineState.SetGlobalPauseAsync(db, state.Paused, ct);
                return new PauseState(state.Paused);
            })
            .RequireAuthorization(Roles.Policies.Administer).WithTags("Engine").WithSummary("Pause or resume every flow at once.");

        app.MapGet("/health", async (FlowDbContext db, ISchedulerFactory schedulers, CancellationToken ct) =>
            {
                var database = await db.Database.CanConnectAsync(ct);
                var scheduler = await schedulers.GetScheduler(ct);
                var running = await scheduler.GetStatus(ct) == SchedulerStatus.Running;
                var body = new { status = database && running ? "healthy" : "unhealthy", database = database ? "ok" : "unreachable", scheduler = running ? "running" : "stopped" };
                return database && running ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .AllowAnonymous().WithTags("Engine").WithSummary("Checks the database and the scheduler.");
    }
}
