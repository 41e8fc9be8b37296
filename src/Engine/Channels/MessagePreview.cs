using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>A message as one customer would get it, or the reason it cannot be rendered.</summary>
public sealed record PreviewedMessage(string CustomerId, string? CustomerName, string? Title, string? Body, string? Error);

/// <summary>
/// Renders a send action for a sample customer the way the engine would: the same Liquid model,
/// with a stand-in coupon code and the customer's latest event as the triggering event.
/// </summary>
public static class MessagePreview
{
    /// <summary>The customer a preview uses when the store has none yet.</summary>
    public static CustomerRecord SampleCustomer { get; } = new()
    {
        Id = "sample-customer",
        Email = "ada@example.com",
        AttributesJson = """{"firstName":"Ada","lastName":"Lovelace","city":"London"}""",
        TagsJson = """["newsletter"]""",
        OrderCount = 2,
    };

    /// <summary>Picks <paramref name="customerId"/>, else the most recently seen customer, else <see cref="SampleCustomer"/>.</summary>
    public static async Task<CustomerRecord> CustomerAsync(FlowDbContext db, string? customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!string.IsNullOrWhiteSpace(customerId)
            && await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken) is { } chosen)
            return chosen;
        return await db.Customers.AsNoTracking().OrderByDescending(c => c.LastSeenAt).FirstOrDefaultAsync(cancellationToken) ?? SampleCustomer;
    }

    public static PreviewedMessage Render(MessageRenderer renderer, ActionNode action, FlowDefinition flow, CustomerRecord customer, StoreSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(settings);
        var input = CustomerProfile.ToInput(customer, now, counter: null, settings.Guardrails.StoreTimeZone, settings.Guardrails.RequireOptIn);
        var customerModel = TemplateModel.Customer(customer, input);
        var model = new Dictionary<string, object?>
        {
            ["customer"] = customerModel,
            ["event"] = new Dictionary<string, object?> { ["type"] = "cart.added", ["occurredAt"] = now, ["properties"] = new Dictionary<string, object?>() },
            ["coupon"] = action.Coupon is null ? null : new Dictionary<string, object?> { ["code"] = "SAMPLE-7K2Q-93XD", ["expiresAt"] = now.AddDays(7) },
            ["run"] = new Dictionary<string, object?> { ["enteredAt"] = now, ["branch"] = null },
            ["flow"] = new Dictionary<string, object?> { ["id"] = flow.Id, ["name"] = flow.Name, ["version"] = 0 },
        };
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(input.TimeZone ?? settings.Guardrails.StoreTimeZone) ?? DateTimeZone.Utc;
        var name = customerModel["firstName"] as string ?? customer.Email ?? customer.Id;
        try
        {
            var title = action.Title is null ? null : renderer.Render(action.Title, model, zone);
            var body = action.Body is null ? null : renderer.Render(action.Body, model, zone);
            return new PreviewedMessage(customer.Id, name, title, body, null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Fluid.ParseException or ArgumentException)
        {
            return new PreviewedMessage(customer.Id, name, null, null, ex.Message);
        }
    }
}
