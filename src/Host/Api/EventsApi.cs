using System.Text.Json;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Validation;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>
/// <c>POST /api/events</c>: one event or a batch of up to 1 000. Each item is checked on its own; the
/// good ones are stored (idempotent by <c>eventId</c>) and the answer lists every item's fate by index.
/// </summary>
internal static class EventsApi
{
    public const int MaxBatch = 1000;

    public sealed record ItemResult(int Index, string Status, string? Error);

    public sealed record IngestResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<ItemResult> Results);

    public static void MapEvents(this RouteGroupBuilder api)
    {
        api.MapPost("/events", IngestAsync)
            .RequireAuthorization(Roles.Policies.IngestEvents)
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Send one event or a batch of up to 1 000 events.");
    }

    private static async Task<IResult> IngestAsync(HttpRequest request, FlowEngine engine, CancellationToken cancellationToken)
    {
        var (document, problem) = await RequestBodies.ReadJsonAsync(request, cancellationToken);
        if (problem is not null)
            return problem;

        using (document)
        {
            var root = document!.RootElement;
            var single = root.ValueKind == JsonValueKind.Object;
            if (!single && root.ValueKind != JsonValueKind.Array)
                return RequestBodies.Problem("Not an event", "Send an event object or an array of events.", "$");

            var items = single ? [root] : root.EnumerateArray().ToList();
            if (items.Count > MaxBatch)
                return RequestBodies.Problem("Too many events", $"A batch holds at most {MaxBatch} events; this one has {items.Count}.", "$");

            var results = new ItemResult?[items.Count];
            var good = new List<(int Index, IncomingEvent Event)>();
            for (var i = 0; i < items.Count; i++)
            {
                var (parsed, error) = Parse(items[i]);
                if (parsed is null)
                    results[i] = new ItemResult(i, "rejected", error);
                else
                    good.Add((i, parsed));
            }

            if (good.Count > 0)
            {
                var outcomes = await engine.IngestAsync([.. good.Select(g => g.Event)], cancellationToken);
                foreach (var outcome in outcomes)
                    results[good[outcome.Index].Index] = new ItemResult(good[outcome.Index].Index, outcome.Status.ToString().ToLowerInvariant(), outcome.Error);
            }

            var all = results.Select(r => r!).ToList();
            if (single && all[0].Status == "rejected")
                return RequestBodies.Problem("The event was rejected", all[0].Error!, "$");

            return Results.Json(
                new IngestResponse(all.Count(r => r.Status == "accepted"), all.Count(r => r.Status == "duplicate"), all.Count(r => r.Status == "rejected"), all),
                statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static (IncomingEvent? Event, string? Error) Parse(JsonElement item)
    {
        try
        {
            var parsed = item.Deserialize<IncomingEvent>(IncomingEvent.JsonOptions);
            if (parsed is null)
                return (null, "An event must be an object.");
            return parsed.Problem() is { } problem ? (null, problem) : (parsed, null);
        }
        catch (JsonException ex)
        {
            return (null, JsonErrors.SentenceWithPath(ex));
        }
    }
}
