using NodaTime;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>Local-time delays, date triggers and schedules over a grid of zones and DST changes.</summary>
public class TimeZoneGridTests
{
    private static DateTimeOffset Local(string zone, int y, int m, int d, int h, int min = 0) =>
        new LocalDateTime(y, m, 1, h, min).PlusDays(d - 1).InZoneLeniently(DateTimeZoneProviders.Tzdb[zone]).ToDateTimeOffset();

    private static CustomerRecord In(string zone, string? birthday = null) => new()
    {
        Id = "c",
        TimeZone = zone,
        AttributesJson = birthday is null ? "{}" : $$"""{"birthday":"{{birthday}}"}""",
    };

    private static DateTimeOffset Wake(DelayNode delay, DateTimeOffset now, string zone) =>
        Delays.WakeAt(delay, now, DateTimeZoneProviders.Tzdb[zone], In(zone, "1990-03-30"));

    public static TheoryData<string, int, int, int> DstDays() => new()
    {
        { "America/New_York", 2026, 3, 8 },       // spring forward
        { "America/New_York", 2026, 11, 1 },      // fall back
        { "Europe/London", 2026, 3, 29 },
        { "Europe/London", 2026, 10, 25 },
        { "Australia/Lord_Howe", 2026, 4, 5 },    // a 30-minute shift
        { "Asia/Ho_Chi_Minh", 2026, 3, 8 },       // no DST at all
        { "Asia/Kolkata", 2026, 3, 8 },           // half-hour offset
    };

    [Theory]
    [MemberData(nameof(DstDays))]
    public void A_one_day_delay_keeps_the_local_time_across_a_DST_change(string zone, int y, int m, int d)
    {
        var before = Local(zone, y, m, d - 1, 9);
        var wake = Wake(new DelayNode { Id = "d", For = "P1D" }, before, zone);
        Assert.Equal(Local(zone, y, m, d, 9), wake);
    }

    [Theory]
    [MemberData(nameof(DstDays))]
    public void An_hours_delay_is_exact_elapsed_time_across_a_DST_change(string zone, int y, int m, int d)
    {
        var before = Local(zone, y, m, d - 1, 22);
        Assert.Equal(before.AddHours(24), Wake(new DelayNode { Id = "d", For = "PT24H" }, before, zone));
    }

    [Theory]
    [MemberData(nameof(DstDays))]
    public void Until_a_time_of_day_is_the_next_time_the_local_clock_shows_it(string zone, int y, int m, int d)
    {
        var evening = Local(zone, y, m, d - 1, 20);
        var wake = Wake(new DelayNode { Id = "d", Until = "10:00" }, evening, zone);
        Assert.Equal(Local(zone, y, m, d, 10), wake);
        Assert.Equal(new LocalTime(10, 0), Instant.FromDateTimeOffset(wake).InZone(DateTimeZoneProviders.Tzdb[zone]).TimeOfDay);

        var morning = Local(zone, y, m, d, 9, 59);
        Assert.Equal(Local(zone, y, m, d, 10), Wake(new DelayNode { Id = "d", Until = "10:00" }, morning, zone));
    }

    [Fact]
    public void A_time_that_does_not_exist_on_the_spring_forward_day_moves_past_the_gap()
    {
        var night = Local("America/New_York", 2026, 3, 7, 23);
        var wake = Wake(new DelayNode { Id = "d", Until = "02:30" }, night, "America/New_York");
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero), wake);      // 03:30 EDT
    }

    [Fact]
    public void A_time_that_happens_twice_on_the_fall_back_day_takes_the_first()
    {
        var night = Local("America/New_York", 2026, 10, 31, 23);
        var wake = Wake(new DelayNode { Id = "d", Until = "01:30" }, night, "America/New_York");
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), wake);      // 01:30 EDT
    }

    [Fact]
    public void Until_an_attribute_waits_for_its_next_anniversary_plus_the_offset()
    {
        var now = Local("Europe/London", 2026, 3, 1, 12);
        var wake = Wake(new DelayNode { Id = "d", UntilAttribute = "birthday", Offset = "-P1D" }, now, "Europe/London");
        Assert.Equal(Local("Europe/London", 2026, 3, 29, 0), wake);      // the day before 30 March, at local midnight (DST day)

        var after = Local("Europe/London", 2026, 4, 2, 12);
        Assert.Equal(Local("Europe/London", 2027, 3, 29, 0), Wake(new DelayNode { Id = "d", UntilAttribute = "birthday", Offset = "-P1D" }, after, "Europe/London"));
    }

    public static TheoryData<string> Zones() => ["America/New_York", "Europe/London", "Asia/Ho_Chi_Minh", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Kiritimati"];

    [Theory]
    [MemberData(nameof(Zones))]
    public async Task A_birthday_trigger_enters_the_customer_at_nine_in_their_own_zone_on_the_day(string zone)
    {
        await using var h = await EngineHarness.CreateAsync(start: new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero));
        await h.PublishAsync("""
            { "id": "bday", "name": "Birthday", "entry": { "reentry": "after", "cooldown": "P300D" },
              "nodes": [ { "id": "t", "type": "trigger", "on": "date", "attribute": "birthday", "offset": "-P1D", "at": "09:00" },
                         { "id": "x", "type": "exit" } ],
              "edges": [ { "from": "t", "to": "x" } ] }
            """);
        await h.WithDbAsync(async db =>
        {
            db.Customers.Add(new CustomerRecord { Id = "c", TimeZone = zone, AttributesJson = """{"birthday":"1990-03-30"}""" });
            db.Customers.Add(new CustomerRecord { Id = "other", TimeZone = zone, AttributesJson = """{"birthday":"1990-04-30"}""" });
            await Task.CompletedTask;
        });

        var moment = Local(zone, 2026, 3, 29, 9);
        var sweepStart = new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero);
        var next = (await h.Engine.NextDateMomentAsync(sweepStart))!.Value;
        Assert.Equal(new LocalTime(9, 0), Instant.FromDateTimeOffset(next).InZone(DateTimeZoneProviders.Tzdb[zone]).TimeOfDay);
        Assert.True(next <= moment);
        Assert.Equal(0, await h.Engine.SweepDatesAsync(sweepStart, moment.AddSeconds(-1)));
        Assert.Equal(1, await h.Engine.SweepDatesAsync(moment.AddSeconds(-1), moment));
        Assert.Equal(0, await h.Engine.SweepDatesAsync(moment, moment.AddDays(2)));
        Assert.Equal("c", Assert.Single(await h.RunsAsync()).CustomerId);
    }

    [Fact]
    public void A_schedule_fires_at_its_local_time_on_both_sides_of_a_DST_change()
    {
        var trigger = new TriggerNode { Id = "t", On = TriggerKind.Schedule, Cron = "0 0 10 * * ?", TimeZone = "Europe/London", Audience = "true" };
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 10, 0, 0, TimeSpan.Zero), Schedules.NextFire(trigger, new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 9, 0, 0, TimeSpan.Zero), Schedules.NextFire(trigger, new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero)));
    }
}
