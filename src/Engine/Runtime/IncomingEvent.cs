using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// An event on the wire (API body, simulator input line):
/// <c>{"eventId": "e-81", "type": "cart.added", "customerId": "1042", "occurredAt": "…", "properties": {…}}</c>.
/// </summary>
public sealed record IncomingEvent
{
    public string? EventId { get; init; }

    public string? Type { get; init; }

    public string? CustomerId { get; init; }

    public string? AnonymousId { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }

    public JsonObject? Properties { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What is wrong with the event, in one sentence naming the field; null when it can be ingested.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(Type) ? "'type' is required (e.g. cart.added)."
        : Type.Any(char.IsWhiteSpace) ? $"'type' must not contain spaces: '{Type}'."
        : string.IsNullOrWhiteSpace(CustomerId) && string.IsNullOrWhiteSpace(AnonymousId) ? "Either 'customerId' or 'anonymousId' is required."
        : OccurredAt is null ? "'occurredAt' is required (ISO-8601 with an offset, e.g. 2026-03-02T10:00:00Z)."
        : Type == EventTypes.Identify && (string.IsNullOrWhiteSpace(CustomerId) || string.IsNullOrWhiteSpace(AnonymousId))
            ? "An identify event needs both 'customerId' and 'anonymousId'."
        : null;
}

/// <summary>The event types the engine gives meaning to; any other name is a custom event.</summary>
public static class EventTypes
{
    public const string SignedUp = "customer.signed_up";
    public const string StoreFollowed = "store.followed";
    public const string ProductViewed = "product.viewed";
    public const string CategoryViewed = "category.viewed";
    public const string SearchPerformed = "search.performed";
    public const string CartAdded = "cart.added";
    public const string CartRemoved = "cart.removed";
    public const string CheckoutStarted = "checkout.started";
    public const string OrderPlaced = "order.placed";
    public const string CouponRedeemed = "coupon.redeemed";
    public const string MessageRead = "message.read";
    public const string MessageClicked = "message.clicked";
    public const string MessageBounced = "message.bounced";
    public const string Unsubscribed = "unsubscribed";
    public const string Identify = "identify";
}
