using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// Reads and updates a customer's profile and facts. The facts have exact meanings:
/// <list type="bullet">
/// <item><c>OrderCount</c>: <c>order.placed</c> events with distinct <c>properties.orderId</c> (an event without one counts by its eventId).</item>
/// <item><c>TotalSpent</c>: sum of <c>properties.total</c> of those orders (else Σ price × quantity of <c>properties.items</c>, else <c>properties.price</c>).</item>
/// <item><c>AverageOrderValue</c>: TotalSpent / OrderCount, 0 without orders.</item>
/// <item><c>CartValue</c>: Σ price × quantity (quantity default 1) of <c>cart.added</c> minus <c>cart.removed</c> since the last order, never below 0; an order empties it.</item>
/// <item><c>LastOrderAt</c> / <c>LastSeenAt</c>: the latest <c>occurredAt</c> of an order / of any event; <c>DaysSince…</c> are whole days (rounded down) from them to now, null when none.</item>
/// </list>
/// </summary>
public static class CustomerProfile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();
    private static readonly IReadOnlyList<string> NoTags = [];
    private static readonly IReadOnlyDictionary<string, bool> NoConsent = new Dictionary<string, bool>();

    /// <summary>The attributes as a read-only view, parsed once per text (see <see cref="CustomerRecord.Views"/>).</summary>
    public static IReadOnlyDictionary<string, string> AttributesView(CustomerRecord c) =>
        View(ref Views(c).Attributes, c.AttributesJson, NoAttributes);

    private static ParsedColumns Views(CustomerRecord c) => c.Views ??= new ParsedColumns();

    // Expressions and templates read a profile many times per batch, and every change writes a new
    // text, so a parse kept beside the very string it came from is never stale. Kept on the row, not
    // in a table keyed by the text: a profile read again is a new string, and a weak table's entry
    // for each (a lock and a dependent handle) cost more than the parse it saved.
    private static T View<T>(ref (string? Text, T? View) parsed, string json, T empty)
        where T : class
    {
        if (!ReferenceEquals(parsed.Text, json) || parsed.View is null)
            parsed = (json, json is "{}" or "[]" ? empty : JsonSerializer.Deserialize<T>(json, Json)!);
        return parsed.View!;
    }

    public static Dictionary<string, string> Attributes(CustomerRecord c) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(c.AttributesJson, Json) ?? [];

    public static void SetAttributes(CustomerRecord c, Dictionary<string, string> attributes)
    {
        c.AttributesJson = JsonSerializer.Serialize(attributes, Json);
        if (attributes.TryGetValue("timeZone", out var zone) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null)
            c.TimeZone = zone;
        if (attributes.TryGetValue("tier", out var tier))
            c.Tier = tier;
    }

    public static List<string> Tags(CustomerRecord c) => JsonSerializer.Deserialize<List<string>>(c.TagsJson, Json) ?? [];

    public static void SetTags(CustomerRecord c, IEnumerable<string> tags) =>
        c.TagsJson = JsonSerializer.Serialize(tags.Distinct(StringComparer.Ordinal).ToList(), Json);

    public static Dictionary<string, bool> Consent(CustomerRecord c) =>
        JsonSerializer.Deserialize<Dictionary<string, bool>>(c.ConsentJson, Json) ?? [];

    public static void SetConsent(CustomerRecord c, Dictionary<string, bool> consent) =>
        c.ConsentJson = JsonSerializer.Serialize(consent, Json);

    /// <summary>Copies profile fields given on the wire (customer records, identify, sign-up) onto the profile.</summary>
    public static void Merge(CustomerRecord c, string? email, string? phone, IEnumerable<KeyValuePair<string, string>> attributes)
    {
        if (!string.IsNullOrWhiteSpace(email))
            c.Email = email;
        if (!string.IsNullOrWhiteSpace(phone))
            c.Phone = phone;
        var current = Attributes(c);
        foreach (var (key, value) in attributes)
            current[key] = value;
        SetAttributes(c, current);
    }

    /// <summary>The scalar values of a JSON object as text (numbers in invariant culture); nested values are skipped.</summary>
    public static Dictionary<string, string> Scalars(JsonObject? properties)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in properties ?? [])
        {
            if (value is JsonValue scalar && Text(scalar) is { } text)
                result[key] = text;
        }

        return result;
    }

    public static decimal? Number(JsonObject? properties, string name) =>
        properties?[name] is JsonValue value && Text(value) is { } text
            && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static string? Text(JsonObject? properties, string name) =>
        properties?[name] is JsonValue value ? Text(value) : null;

    private static string? Text(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>Applies an event to the facts. <paramref name="newOrder"/> is true when the event is an order not counted before.</summary>
    public static void ApplyFacts(CustomerRecord c, string type, DateTimeOffset occurredAt, JsonObject? properties, bool newOrder)
    {
        c.FirstSeenAt = c.FirstSeenAt is { } first && first <= occurredAt ? first : occurredAt;
        c.LastSeenAt = c.LastSeenAt is { } seen && seen >= occurredAt ? seen : occurredAt;
        switch (type)
        {
            case EventTypes.OrderPlaced when newOrder:
                c.OrderCount++;
                c.TotalSpent += OrderTotal(properties);
                c.LastOrderAt = c.LastOrderAt is { } last && last >= occurredAt ? last : occurredAt;
                c.CartValue = 0;
                break;
            case EventTypes.CartAdded:
                c.CartValue += LineValue(properties);
                break;
            case EventTypes.CartRemoved:
                c.CartValue = Math.Max(0, c.CartValue - LineValue(properties));
                break;
            case EventTypes.SignedUp:
                var attributes = Attributes(c);
                attributes.TryAdd("signedUpAt", occurredAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                SetAttributes(c, attributes);
                break;
            case EventTypes.MessageBounced:
                var bounces = Consent(c);
                bounces[$"bounced:{(Text(properties, "channel") ?? "email").ToLowerInvariant()}"] = true;
                SetConsent(c, bounces);
                break;
            case EventTypes.Unsubscribed:
                var consent = Consent(c);
                if (Text(properties, "channel") is { } channel)
                    consent[channel.ToLowerInvariant()] = false;
                else
                    foreach (var name in Enum.GetNames<Channel>())
                        consent[name.ToLowerInvariant()] = false;
                SetConsent(c, consent);
                break;
        }
    }

    private static decimal LineValue(JsonObject? p) => (Number(p, "price") ?? 0) * (Number(p, "quantity") ?? 1);

    private static decimal OrderTotal(JsonObject? p)
    {
        if (Number(p, "total") is { } total)
            return total;
        if (p?["items"] is JsonArray items)
            return items.OfType<JsonObject>().Sum(LineValue);
        return Number(p, "price") ?? 0;
    }

    /// <summary>The <c>customer</c> expression input at <paramref name="now"/>; without a <paramref name="counter"/> event counts are 0.</summary>
    public static CustomerInput ToInput(CustomerRecord c, DateTimeOffset now, IEventCounter? counter, string storeTimeZone, bool requireOptIn = false)
    {
        var views = Views(c);
        var attributes = AttributesView(c);
        if (!ReferenceEquals(views.AttributeBag.From, attributes) || views.AttributeBag.Bag is null)
            views.AttributeBag = (attributes, ReferenceEquals(attributes, NoAttributes) ? ValueBag.Empty : new ValueBag(attributes));
        var consent = View(ref views.Consent, c.ConsentJson, NoConsent);
        if (!ReferenceEquals(views.ConsentInput.From, consent) || views.ConsentInput.RequireOptIn != requireOptIn || views.ConsentInput.Input is null)
            views.ConsentInput = (consent, requireOptIn, ToConsentInput(consent, requireOptIn));
        return new CustomerInput(counter)
        {
            Id = c.Id,
            Email = c.Email,
            Phone = c.Phone,
            FirstName = attributes.GetValueOrDefault("firstName"),
            DaysSinceLastOrder = WholeDays(c.LastOrderAt, now),
            DaysSinceLastSeen = WholeDays(c.LastSeenAt, now),
            OrderCount = c.OrderCount,
            TotalSpent = c.TotalSpent,
            AverageOrderValue = c.OrderCount == 0 ? 0 : decimal.Round(c.TotalSpent / c.OrderCount, 2),
            CartValue = c.CartValue,
            LastOrderAt = c.LastOrderAt,
            LastSeenAt = c.LastSeenAt,
            Tags = View(ref views.Tags, c.TagsJson, NoTags),
            Attributes = views.AttributeBag.Bag,
            Rfm = c.RfmSegment is null ? RfmScore.Unscored : new RfmScore(c.RfmR, c.RfmF, c.RfmM, c.RfmSegment),
            Tier = c.Tier,
            Points = c.Points,
            Consent = views.ConsentInput.Input,
            TimeZone = c.TimeZone ?? storeTimeZone,
        };
    }

    // A daily audience builds an input for every customer every day: the consent and attribute
    // inputs are kept beside the views they come from, and shared where nobody decided anything.
    private static readonly ConsentInput NoDecisions = BuildConsentInput(NoConsent, requireOptIn: false);
    private static readonly ConsentInput NoDecisionsOptIn = BuildConsentInput(NoConsent, requireOptIn: true);

    private static ConsentInput ToConsentInput(IReadOnlyDictionary<string, bool> consent, bool requireOptIn) =>
        consent.Count > 0 ? BuildConsentInput(consent, requireOptIn) : requireOptIn ? NoDecisionsOptIn : NoDecisions;

    private static ConsentInput BuildConsentInput(IReadOnlyDictionary<string, bool> consent, bool requireOptIn)
    {
        bool Allowed(string channel) => consent.TryGetValue(channel, out var yes) ? yes : !requireOptIn;
        return new ConsentInput
        {
            Chat = Allowed("chat"),
            Email = Allowed("email"),
            Sms = Allowed("sms"),
            Push = Allowed("push"),
            Whatsapp = Allowed("whatsapp"),
        };
    }

    private static int? WholeDays(DateTimeOffset? from, DateTimeOffset now) =>
        from is { } at ? (int)Math.Floor((now - at).TotalDays) : null;
}
