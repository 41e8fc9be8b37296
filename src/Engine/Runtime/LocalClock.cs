using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// Time arithmetic in a customer's zone, DST-safe: calendar periods (days, weeks, months) move the
/// local date and keep the local time; hours, minutes and seconds are exact elapsed time. A local
/// time that does not exist (spring forward) moves to just after the gap; one that exists twice
/// (fall back) takes the earlier.
/// </summary>
public static class LocalClock
{
    public static DateTimeZone Zone(string? id, string fallback) =>
        (id is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id))
        ?? DateTimeZoneProviders.Tzdb.GetZoneOrNull(fallback)
        ?? DateTimeZone.Utc;

    public static DateTimeOffset Add(DateTimeOffset at, Period period, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(period);
        var instant = Instant.FromDateTimeOffset(at);
        var hasDate = period.Years != 0 || period.Months != 0 || period.Weeks != 0 || period.Days != 0;
        if (!hasDate)
            return instant.Plus(period.ToDuration()).ToDateTimeOffset();

        // Most periods flows write are whole days or weeks: nothing to split off (two periods built for every delay and window otherwise).
        if (!period.HasTimeComponent)
            return instant.InZone(zone).LocalDateTime.Plus(period).InZoneLeniently(zone).ToInstant().ToDateTimeOffset();
        var datePart = new PeriodBuilder { Years = period.Years, Months = period.Months, Weeks = period.Weeks, Days = period.Days }.Build();
        var timePart = period - datePart;
        var local = instant.InZone(zone).LocalDateTime.Plus(datePart);
        return local.InZoneLeniently(zone).ToInstant().Plus(timePart.ToDuration()).ToDateTimeOffset();
    }

    /// <summary><see cref="Add"/> of the negated period: the same instant before <paramref name="at"/>.</summary>
    public static DateTimeOffset Subtract(DateTimeOffset at, Period period, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(period);
        return Add(at, Negated.GetValue(period, static p => Period.Zero - p), zone);
    }

    // Windows are the few periods of the flows' expressions (parsed once, see Durations): each is
    // negated once instead of at every count.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Period, Period> Negated = [];

    /// <summary>The next moment strictly after <paramref name="now"/> when the zone's clock reads <paramref name="time"/>.</summary>
    public static DateTimeOffset NextTimeOfDay(DateTimeOffset now, LocalTime time, DateTimeZone zone)
    {
        var instant = Instant.FromDateTimeOffset(now);
        var today = instant.InZone(zone).Date;
        var candidate = (today + time).InZoneLeniently(zone).ToInstant();
        if (candidate <= instant)
            candidate = (today.PlusDays(1) + time).InZoneLeniently(zone).ToInstant();
        return candidate.ToDateTimeOffset();
    }

    /// <summary>The instant the zone's clock reads <paramref name="time"/> on <paramref name="date"/>.</summary>
    public static DateTimeOffset At(LocalDate date, LocalTime time, DateTimeZone zone) =>
        (date + time).InZoneLeniently(zone).ToInstant().ToDateTimeOffset();

    public static LocalDate Today(DateTimeOffset now, DateTimeZone zone) =>
        Instant.FromDateTimeOffset(now).InZone(zone).Date;

    /// <summary>A date attribute (<c>1990-05-14</c>, or an ISO instant whose UTC date is taken).</summary>
    public static LocalDate? ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var date = LocalDatePattern.Iso.Parse(text);
        if (date.Success)
            return date.Value;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? LocalDate.FromDateTime(instant.UtcDateTime)
            : null;
    }

    /// <summary>The date's anniversary in <paramref name="year"/> (29 February becomes the 28th in other years).</summary>
    public static LocalDate Anniversary(LocalDate date, int year) => date.PlusYears(year - date.Year);
}
