using Quartz;

namespace ReEngage.Flows.Designer.Editor.Inspector;

/// <summary>The next fire times of a Quartz cron expression in a time zone, or why it has none.</summary>
public static class CronHelper
{
    public static (IReadOnlyList<DateTimeOffset> Times, string? Problem) Next(string? cron, string? timeZone, DateTimeOffset after, int count = 5)
    {
        if (string.IsNullOrWhiteSpace(cron))
            return ([], "Write a Quartz cron expression, e.g. 0 0 10 * * ? (every day at 10:00).");
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
            return ([], $"'{timeZone}' is not a time zone.");
        CronExpression expression;
        try
        {
            expression = new CronExpression(cron, zone);
        }
        catch (FormatException ex)
        {
            return ([], $"'{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week): {ex.Message}");
        }

        var times = new List<DateTimeOffset>();
        var at = after;
        while (times.Count < count && expression.GetNextValidTimeAfter(at) is { } next)
        {
            times.Add(TimeZoneInfo.ConvertTime(next, expression.TimeZone));
            at = next;
        }

        return (times, times.Count == 0 ? "This schedule never fires again." : null);
    }
}
