using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>A duration as the inspector edits it: an amount and a unit.</summary>
public sealed record DurationParts(int Amount, DurationUnit Unit)
{
    public string ToIso() => Unit switch
    {
        DurationUnit.Minutes => $"PT{Amount}M",
        DurationUnit.Hours => $"PT{Amount}H",
        DurationUnit.Days => $"P{Amount}D",
        _ => $"P{Amount}W",
    };
}

public enum DurationUnit
{
    Minutes,
    Hours,
    Days,
    Weeks,
}

/// <summary>Turns ISO-8601 durations (<c>PT4H</c>, <c>P7D</c>) into amount + unit and words, and back.</summary>
public static class DurationText
{
    /// <summary>The amount and unit of a single-unit duration; null for mixed ones (<c>P1DT2H</c>), which stay editable as text.</summary>
    public static DurationParts? Split(string? iso)
    {
        if (!Durations.TryParse(iso, out var period))
            return null;
        var normalized = period.Normalize();
        (long Amount, DurationUnit Unit)[] parts =
        [
            (normalized.Weeks, DurationUnit.Weeks),
            (normalized.Days, DurationUnit.Days),
            (normalized.Hours, DurationUnit.Hours),
            (normalized.Minutes, DurationUnit.Minutes),
        ];
        var used = parts.Where(p => p.Amount != 0).ToList();
        if (normalized.Months != 0 || normalized.Years != 0 || normalized.Seconds != 0 || used.Count > 1)
            return null;
        return used.Count == 0 ? new DurationParts(0, DurationUnit.Hours) : new DurationParts((int)used[0].Amount, used[0].Unit);
    }

    public static string Describe(string? iso)
    {
        if (Split(iso) is not { } parts)
            return iso ?? "";
        var unit = parts.Unit.ToString().ToLowerInvariant();
        return $"{parts.Amount} {(parts.Amount == 1 ? unit.TrimEnd('s') : unit)}";
    }

}
