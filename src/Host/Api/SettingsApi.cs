using System.Text.Json;
using ReEngage.Flows.Engine.Coupons;
using ReEngage.Flows.Engine.Guardrails;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>Store settings (guardrails, coupon pools) and the sender's weekly quota.</summary>
internal static class SettingsApi
{
    public static void MapSettings(this RouteGroupBuilder api)
    {
        api.MapGet("/settings", async (FlowDbContext db, CancellationToken ct) => Results.Text(JsonSerializer.Serialize(await EngineState.SettingsAsync(db, ct), FlowJson.Options), "application/json"))
            .RequireAuthorization(Roles.Policies.Read).WithTags("Settings").WithSummary("Guardrails and coupon pools.");
        api.MapPut("/settings", PutAsync).RequireAuthorization(Roles.Policies.Administer).WithTags("Settings").WithSummary("Replace the guardrails and coupon pools.");
        api.MapGet("/quota", async (FlowDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var quota = await Quota.CurrentAsync(db, await EngineState.SettingsAsync(db, ct), time.GetUtcNow(), ct);
                return Results.Ok(new { weekStart = quota.WeekStart, used = quota.Used, limit = quota.Limit, audience = quota.Audience });
            })
            .RequireAuthorization(Roles.Policies.Read).WithTags("Settings").WithSummary("This week's use and limit of the sender's quota.");
    }

    /// <summary>Coupon pools with how many codes each has issued and how many were redeemed.</summary>
    public static void MapCouponPools(this RouteGroupBuilder api)
    {
        api.MapGet("/coupon-pools", async (FlowDbContext db, CancellationToken ct) =>
                Results.Ok((await CouponPoolUsage.ListAsync(db, ct)).Select(u => new { pool = u.Pool, issued = u.Issued, redeemed = u.Redeemed })))
            .RequireAuthorization(Roles.Policies.Read).WithTags("Coupons").WithSummary("Coupon pools with codes issued and redeemed.");

        api.MapPost("/coupon-pools", async (HttpRequest request, FlowDbContext db, CancellationToken ct) =>
            {
                var (document, problem) = await RequestBodies.ReadJsonAsync(request, ct);
                if (problem is not null)
                    return problem;
                using (document)
                {
                    var read = JsonDocumentReader.Read<CouponPoolDefinition>(RequestBodies.Text(document!));
                    if (read.Value is null)
                        return RequestBodies.Problem("Not a coupon pool", read.Problems[0].Message, read.Problems[0].Location, new Dictionary<string, object?> { ["problems"] = read.Problems });

                    var settings = await EngineState.SettingsAsync(db, ct);
                    if (settings.CouponPools.Any(p => p.Id == read.Value.Id))
                        return Results.Problem(title: "The pool exists", detail: $"A coupon pool '{read.Value.Id}' exists already.", statusCode: StatusCodes.Status409Conflict);
                    var updated = settings with { CouponPools = [.. settings.CouponPools, read.Value] };
                    var problems = SettingsValidator.Validate(updated);
                    if (problems.Count > 0)
                        return RequestBodies.Problem("The pool has problems", problems[0].Message, problems[0].Location, new Dictionary<string, object?> { ["problems"] = problems });
                    await EngineState.SaveSettingsAsync(db, updated, ct);
                    return Results.Created($"/api/coupon-pools/{read.Value.Id}", read.Value);
                }
            })
            .RequireAuthorization(Roles.Policies.Edit).WithTags("Coupons").WithSummary("Add a coupon pool (unique codes by pattern, or one shared code with a redemption limit).");
    }

    private static async Task<IResult> PutAsync(HttpRequest request, FlowDbContext db, CancellationToken ct)
    {
        var (document, problem) = await RequestBodies.ReadJsonAsync(request, ct);
        if (problem is not null)
            return problem;
        using (document)
        {
            var read = JsonDocumentReader.Read<StoreSettings>(RequestBodies.Text(document!));
            var problems = read.Value is null ? read.Problems : SettingsValidator.Validate(read.Value);
            if (problems.Count > 0)
            {
                return RequestBodies.Problem("The settings have problems", problems[0].Message, problems[0].Location,
                    new Dictionary<string, object?> { ["problems"] = problems });
            }

            await EngineState.SaveSettingsAsync(db, read.Value!, ct);
            return Results.Text(JsonSerializer.Serialize(read.Value, FlowJson.Options), "application/json");
        }
    }
}
