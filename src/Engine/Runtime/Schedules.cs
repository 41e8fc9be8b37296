using Microsoft.EntityFrameworkCore;
using NodaTime;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>When schedule triggers fire: their Quartz cron in their time zone (UTC when none).</summary>
public static class Schedules
{
    public static DateTimeOffset? NextFire(TriggerNode trigger, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (trigger.Cron is null)
            return null;
        var zone = trigger.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var info) ? info : TimeZoneInfo.Utc;
        return new Quartz.CronExpression(trigger.Cron, zone).GetNextValidTimeAfter(after);
    }
}

/// <summary>
/// Date triggers: yearly, at local time <c>at</c> (default 09:00) on the anniversary of a customer
/// date attribute plus <c>offset</c>, in the trigger's zone or else each customer's own zone.
/// </summary>
internal static class DateTriggers
{
    private static readonly LocalTime DefaultAt = new(9, 0);

    private static LocalTime At(TriggerNode trigger) =>
        trigger.At is { } text && TimesOfDay.TryParse(text, out var at) ? at : DefaultAt;

    private static Period Offset(TriggerNode trigger) =>
        trigger.Offset is { } text && Durations.TryParse(text, out var period) ? period : Period.Zero;

    private static async Task<IReadOnlyList<string?>> ZonesAsync(FlowDbContext db, TriggerNode trigger, CancellationToken cancellationToken) =>
        trigger.TimeZone is { } fixedZone
            ? [fixedZone]
            : await db.Customers.AsNoTracking().Where(c => !c.IsAnonymous).Select(c => c.TimeZone).Distinct().ToListAsync(cancellationToken);

    public static async Task<DateTimeOffset?> NextMomentAsync(FlowDbContext db, TriggerNode trigger, string storeZone, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var zoneId in await ZonesAsync(db, trigger, cancellationToken))
        {
            var moment = LocalClock.NextTimeOfDay(now, At(trigger), LocalClock.Zone(zoneId, storeZone));
            if (next is null || moment < next)
                next = moment;
        }

        return next;
    }

    /// <summary>Customers whose moment for <paramref name="trigger"/> falls in (from, to].</summary>
    public static async Task<IReadOnlyList<string>> DueCustomersAsync(FlowDbContext db, TriggerNode trigger, string storeZone, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var due = new List<string>();
        var offset = Offset(trigger);
        foreach (var zoneId in await ZonesAsync(db, trigger, cancellationToken))
        {
            var zone = LocalClock.Zone(zoneId, storeZone);
            var days = new List<LocalDate>();
            for (var day = LocalClock.Today(from, zone).PlusDays(-1); day <= LocalClock.Today(to, zone); day = day.PlusDays(1))
            {
                var moment = LocalClock.At(day, At(trigger), zone);
                if (moment > from && moment <= to)
                    days.Add(day);
            }

            if (days.Count == 0)
                continue;

            var customers = trigger.TimeZone is not null
                ? db.Customers.AsNoTracking().Where(c => !c.IsAnonymous)
                : zoneId is null
                    ? db.Customers.AsNoTracking().Where(c => !c.IsAnonymous && c.TimeZone == null)
                    : db.Customers.AsNoTracking().Where(c => !c.IsAnonymous && c.TimeZone == zoneId);

            await foreach (var customer in customers.Select(c => new { c.Id, c.AttributesJson }).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                var attribute = CustomerProfile.Attributes(new CustomerRecord { Id = customer.Id, AttributesJson = customer.AttributesJson })
                    .GetValueOrDefault(trigger.Attribute!);
                if (LocalClock.ParseDate(attribute) is not { } date)
                    continue;
                if (days.Any(day => IsAnniversaryPlusOffset(date, day, offset)))
                    due.Add(customer.Id);
            }
        }

        return due;
    }

    /// <summary>True when <paramref name="day"/> is the date's anniversary (in that year or a neighbour) moved by the offset.</summary>
    private static bool IsAnniversaryPlusOffset(LocalDate date, LocalDate day, Period offset)
    {
        for (var year = day.Year - 1; year <= day.Year + 1; year++)
        {
            if (year < date.Year)
                continue;
            if (LocalClock.Anniversary(date, year).Plus(DatePart(offset)) == day)
                return true;
        }

        return false;
    }

    private static Period DatePart(Period period) =>
        new PeriodBuilder { Years = period.Years, Months = period.Months, Weeks = period.Weeks, Days = period.Days }.Build();
}
