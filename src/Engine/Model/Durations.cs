using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using NodaTime;
using NodaTime.Text;

namespace ReEngage.Flows.Engine.Model;

/// <summary>
/// ISO-8601 durations as flows write them (<c>PT4H</c>, <c>P35D</c>, <c>-P7D</c> for "before").
/// Kept as text in the model so a file reads and writes back byte for byte; parsed here.
/// Years, months and weeks are calendar periods (P1M from 31 January is 28 or 29 February).
/// </summary>
public static class Durations
{
    private static readonly PeriodPattern Pattern = PeriodPattern.NormalizingIso;

    public static bool TryParse(string? text, [NotNullWhen(true)] out Period? period)
    {
        period = null;
        if (string.IsNullOrWhiteSpace(text) || text != text.Trim())
            return false;

        var negative = text.StartsWith('-');
        var result = Pattern.Parse(negative ? text[1..] : text);
        if (!result.Success || (negative && text.Length > 1 && text[1] == '-'))
            return false;

        period = negative ? Period.Zero - result.Value : result.Value;
        return true;
    }

    // The engine parses the same few durations (its flows' delays, waits and expression windows) for
    // every run it steps; periods are immutable, so each is parsed once. Bounded, since expressions
    // may build their windows at run time.
    private const int MostRemembered = 1024;
    private static readonly ConcurrentDictionary<string, Period> Parsed = new(StringComparer.Ordinal);

    /// <summary>Parses a duration written in a flow or inside an expression; a bad one fails that evaluation with a clear message.</summary>
    public static Period ParseForExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Parsed.TryGetValue(text, out var known))
            return known;
        if (!TryParse(text, out var period))
            throw new ArgumentException($"'{text}' is not an ISO-8601 duration such as P7D or PT4H.", nameof(text));
        if (Parsed.Count < MostRemembered)
            Parsed.TryAdd(text, period);
        return period;
    }

    /// <summary>True when the period moves time forward (every component ≥ 0, at least one &gt; 0).</summary>
    public static bool IsPositive(Period period) =>
        period != Period.Zero &&
        period.Years >= 0 && period.Months >= 0 && period.Weeks >= 0 && period.Days >= 0 &&
        period.Hours >= 0 && period.Minutes >= 0 && period.Seconds >= 0 && period.Milliseconds >= 0 &&
        period.Ticks >= 0 && period.Nanoseconds >= 0;
}

/// <summary>Local times of day written <c>HH:mm</c> (24-hour), as in quiet hours and delays.</summary>
public static class TimesOfDay
{
    private static readonly LocalTimePattern Pattern = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static bool TryParse(string? text, out LocalTime time)
    {
        var result = text is null ? null : Pattern.Parse(text);
        time = result is { Success: true } ? result.Value : default;
        return result is { Success: true };
    }
}
