using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>When a delay node lets a run go on.</summary>
internal static class Delays
{
    /// <summary>
    /// <c>for</c>: now plus the duration (calendar days in the customer's zone). <c>until</c>: the next
    /// time the customer's clock shows that time. <c>untilAttribute</c>: 00:00 local on the date
    /// (its next anniversary once past) plus the offset; a date already gone lets the run go on at once.
    /// </summary>
    public static DateTimeOffset WakeAt(DelayNode delay, DateTimeOffset now, NodaTime.DateTimeZone zone, CustomerRecord customer)
    {
        if (delay.For is { } duration)
            return LocalClock.Add(now, Durations.ParseForExpression(duration), zone);

        if (delay.Until is { } until && TimesOfDay.TryParse(until, out var time))
            return LocalClock.NextTimeOfDay(now, time, zone);

        var attribute = delay.UntilAttribute is { } name ? CustomerProfile.Attributes(customer).GetValueOrDefault(name) : null;
        if (LocalClock.ParseDate(attribute) is not { } date)
            return now;

        var offset = delay.Offset is { } text ? Durations.ParseForExpression(text) : NodaTime.Period.Zero;
        var today = LocalClock.Today(now, zone);
        var target = date;
        if (date.Year < today.Year || LocalClock.At(date, NodaTime.LocalTime.Midnight, zone) + Span(offset, date, zone) <= now)
        {
            target = LocalClock.Anniversary(date, today.Year);
            if (LocalClock.Add(LocalClock.At(target, NodaTime.LocalTime.Midnight, zone), offset, zone) <= now)
                target = LocalClock.Anniversary(date, today.Year + 1);
        }

        var wake = LocalClock.Add(LocalClock.At(target, NodaTime.LocalTime.Midnight, zone), offset, zone);
        return wake;
    }

    private static TimeSpan Span(NodaTime.Period offset, NodaTime.LocalDate date, NodaTime.DateTimeZone zone)
    {
        var start = LocalClock.At(date, NodaTime.LocalTime.Midnight, zone);
        return LocalClock.Add(start, offset, zone) - start;
    }
}
