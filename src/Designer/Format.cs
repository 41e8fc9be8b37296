using System.Globalization;

namespace ReEngage.Flows.Designer;

/// <summary>How the designer writes instants: UTC, to the minute, the same everywhere.</summary>
public static class Format
{
    public static string When(DateTimeOffset? at) =>
        at is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";
}
