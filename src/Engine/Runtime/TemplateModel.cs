using System.Text.Json;
using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Coupons;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// The model Liquid templates render with (DESIGN.md §3), in camelCase: <c>customer</c> (id, email,
/// firstName, attributes, facts, rfm), <c>event</c> (type, occurredAt, properties), <c>coupon</c>
/// (code, expiresAt), <c>run</c> (enteredAt, branch) and <c>flow</c> (id, name, version).
/// </summary>
internal static class TemplateModel
{
    public static async Task<IReadOnlyDictionary<string, object?>> BuildAsync(
        EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, IssuedCoupon? coupon, CancellationToken cancellationToken)
    {
        var input = session.Input(customer);
        var eventRecord = await session.EventRecordAsync(run.EventKey, cancellationToken);
        var customerModel = Customer(customer, input);

        return new Dictionary<string, object?>
        {
            ["customer"] = customerModel,
            ["event"] = eventRecord is null ? NoEvent : session.ModelOf(eventRecord),
            ["coupon"] = coupon is null ? null : new Dictionary<string, object?> { ["code"] = coupon.Code, ["expiresAt"] = coupon.ExpiresAt },
            ["run"] = new Dictionary<string, object?> { ["id"] = run.Id, ["enteredAt"] = run.EnteredAt, ["branch"] = run.Branch },
            ["flow"] = new Dictionary<string, object?> { ["id"] = program.FlowId, ["name"] = program.Flow.Name, ["version"] = program.Version },
        };
    }

    private static readonly IReadOnlyDictionary<string, object?> NoEvent = Event(Expressions.EventInput.None, null);

    /// <summary>The <c>event</c> part of the model: type, id, time and properties.</summary>
    public static IReadOnlyDictionary<string, object?> Event(Expressions.EventInput input, EventRecord? record) => new Dictionary<string, object?>
    {
        ["type"] = input.Type,
        ["id"] = input.EventId,
        ["occurredAt"] = input.OccurredAt,
        ["properties"] = ToModel(record is null ? null : JsonNode.Parse(record.PropertiesJson)) ?? new Dictionary<string, object?>(),
    };

    /// <summary>The <c>customer</c> part of the model: profile, attributes and computed facts.</summary>
    public static Dictionary<string, object?> Customer(CustomerRecord customer, Expressions.CustomerInput input)
    {
        var attributes = CustomerProfile.AttributesView(customer);
        return new Dictionary<string, object?>(capacity: 18)
        {
            ["id"] = customer.Id,
            ["email"] = customer.Email,
            ["phone"] = customer.Phone,
            ["firstName"] = attributes.GetValueOrDefault("firstName"),
            ["lastName"] = attributes.GetValueOrDefault("lastName"),
            ["attributes"] = attributes.ToDictionary(a => a.Key, a => (object?)a.Value),
            ["orderCount"] = input.OrderCount,
            ["totalSpent"] = input.TotalSpent,
            ["averageOrderValue"] = input.AverageOrderValue,
            ["cartValue"] = input.CartValue,
            ["daysSinceLastOrder"] = input.DaysSinceLastOrder,
            ["daysSinceLastSeen"] = input.DaysSinceLastSeen,
            ["lastOrderAt"] = input.LastOrderAt,
            ["points"] = input.Points,
            ["tier"] = input.Tier,
            ["tags"] = input.Tags.ToList(),
            ["timeZone"] = input.TimeZone,
            ["rfm"] = new Dictionary<string, object?>
            {
                ["r"] = input.Rfm.R,
                ["f"] = input.Rfm.F,
                ["m"] = input.Rfm.M,
                ["segment"] = input.Rfm.Segment,
            },
        };
    }

    public static object? ToModel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToModel(p.Value)),
        JsonArray array => array.Select(ToModel).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.GetValue<decimal>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };
}
