using System.Globalization;

namespace ReEngage.Flows.Engine.Expressions;

/// <summary>
/// Named scalar values (customer attributes, event properties) as expressions see them: the
/// indexer yields the text, or null when the name is absent, so <c>Attributes["country"] == "VN"</c>
/// is simply false for a customer without a country rather than an error.
/// </summary>
public sealed class ValueBag
{
    private readonly IReadOnlyDictionary<string, string> values;

    public ValueBag(IReadOnlyDictionary<string, string> values) => this.values = values;

    public static ValueBag Empty { get; } = new(new Dictionary<string, string>());

    public string? this[string name] => values.TryGetValue(name, out var value) ? value : null;

    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>The value as a number, or null when absent or not a number.</summary>
    public decimal? Number(string name) =>
        values.TryGetValue(name, out var text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>The value as an instant (ISO-8601), or null when absent or not a date.</summary>
    public DateTimeOffset? Date(string name) =>
        values.TryGetValue(name, out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;

    public IEnumerable<string> Names => values.Keys;
}
