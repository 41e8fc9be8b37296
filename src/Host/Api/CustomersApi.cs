using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Simulation;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>Customers (profile, facts, runs, messages, a timeline) and the outbox by flow or customer.</summary>
internal static class CustomersApi
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static void MapCustomers(this RouteGroupBuilder api)
    {
        api.MapGet("/customers/{id}", GetAsync).RequireAuthorization(Roles.Policies.Read).WithTags("Customers")
            .WithSummary("A customer's profile and facts, runs, messages and timeline.");
        api.MapPut("/customers/{id}", PutAsync).RequireAuthorization(Roles.Policies.Edit).WithTags("Customers").WithSummary("Create or update a customer's profile (email, phone, attributes).");
        api.MapGet("/messages", MessagesAsync).RequireAuthorization(Roles.Policies.Read).WithTags("Messages")
            .WithSummary("Messages by flow or customer, newest first; the fields of a simulate output line.");
    }

    private static async Task<IResult> GetAsync(string id, FlowDbContext db, TimeProvider time, CancellationToken ct)
    {
        var detail = await CustomerDirectory.DetailAsync(db, id, time.GetUtcNow(), ct);
        if (detail is null)
            return Results.Problem(title: "No such customer", detail: $"There is no customer '{id}'.", statusCode: StatusCodes.Status404NotFound);

        var (customer, facts, runs, steps, messages, timeline) = (detail.Customer, detail.Facts, detail.Runs, detail.Steps, detail.Messages, detail.Timeline);
        return Results.Ok(new
        {
            id = customer.Id,
            email = customer.Email,
            phone = customer.Phone,
            attributes = CustomerProfile.Attributes(customer),
            tags = facts.Tags,
            facts = new
            {
                facts.OrderCount,
                facts.TotalSpent,
                facts.AverageOrderValue,
                facts.CartValue,
                facts.DaysSinceLastOrder,
                facts.DaysSinceLastSeen,
                facts.Points,
                facts.Tier,
                facts.TimeZone,
                rfm = facts.Rfm,
                consent = facts.Consent,
            },
            runs = runs.Select(r => new
            {
                r.Id,
                r.FlowId,
                r.Version,
                status = r.Status.ToString().ToLowerInvariant(),
                r.NodeId,
                r.EnteredAt,
                r.WakeAt,
                r.EndedAt,
                r.EndReason,
                r.Branch,
                path = steps[r.Id].Select(s => new { s.NodeId, outcome = s.Outcome.ToString().ToLowerInvariant(), s.Port, s.At, s.Detail }),
            }),
            messages = messages.Select(ToLine),
            timeline,
        });
    }

    private static async Task<IResult> PutAsync(string id, HttpRequest request, FlowDbContext db, CancellationToken ct)
    {
        var (document, problem) = await RequestBodies.ReadJsonAsync(request, ct);
        if (problem is not null)
            return problem;
        IncomingCustomer? incoming;
        using (document)
        {
            try
            {
                incoming = document!.RootElement.Deserialize<IncomingCustomer>(Strict);
            }
            catch (JsonException ex)
            {
                return RequestBodies.Problem("Not a customer record", ex.Message, ex.Path ?? "$");
            }
        }

        if (incoming is null)
            return RequestBodies.Problem("Not a customer record", "Send {\"email\": …, \"phone\": …, \"attributes\": {…}}.", "$");
        if (incoming.CustomerId is { } bodyId && bodyId != id)
            return RequestBodies.Problem("The id does not match", $"The body is the customer '{bodyId}' but the address names '{id}'.", "$.customerId");

        var customer = await db.Customers.FindAsync([id], ct);
        var created = customer is null;
        if (customer is null)
        {
            customer = new CustomerRecord { Id = id };
            db.Customers.Add(customer);
        }

        CustomerProfile.Merge(customer, incoming.Email, incoming.Phone, CustomerProfile.Scalars(incoming.Attributes));
        await db.SaveChangesAsync(ct);
        return created ? Results.Created($"/api/customers/{id}", new { id }) : Results.Ok(new { id });
    }

    private static async Task<IResult> MessagesAsync(string? flowId, string? customerId, int? limit, FlowDbContext db, CancellationToken ct)
    {
        var query = db.Messages.AsNoTracking().Where(m => m.Kind == OutboxKind.Message);
        if (flowId is not null)
            query = query.Where(m => m.FlowId == flowId);
        if (customerId is not null)
            query = query.Where(m => m.CustomerId == customerId);
        var rows = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(Math.Clamp(limit ?? 200, 1, 1000)).ToListAsync(ct);
        return Results.Ok(rows.Select(ToLine));
    }

    private static JsonObject ToLine(MessageRecord m)
    {
        var line = JsonNode.Parse(new SimulatedMessage(
            m.CustomerId, m.FlowId, m.NodeId, m.Channel.ToString().ToLowerInvariant(), m.DoneAt ?? m.DueAt,
            m.Status.ToString().ToLowerInvariant(), m.Reason, m.Title, m.Body, m.CouponCode).ToJsonLine())!.AsObject();
        line["id"] = m.Id;
        return line;
    }
}
