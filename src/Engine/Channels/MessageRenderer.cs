using System.Collections.Concurrent;
using System.Globalization;
using Fluid;
using NodaTime;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>
/// Renders Liquid titles and bodies with the camelCase model of DESIGN.md §3 (customer, event,
/// coupon, run, flow). Parsed templates are cached by text; rendering is thread-safe.
/// </summary>
public sealed class MessageRenderer
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> templates = new(StringComparer.Ordinal);
    private readonly TemplateOptions options = new() { MemberAccessStrategy = new UnsafeMemberAccessStrategy(), CultureInfo = CultureInfo.InvariantCulture };

    public string Render(string template, IReadOnlyDictionary<string, object?> model, DateTimeZone zone) =>
        Render(template, null, model, zone).First!;

    /// <summary>
    /// Renders a message's two texts (title and body; either may be absent) with one model: one
    /// context, each text in a scope of its own, so that what one assigns the other does not see.
    /// </summary>
    public (string? First, string? Second) Render(string? first, string? second, IReadOnlyDictionary<string, object?> model, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (first is null && second is null)
            return (null, null);
        var context = new TemplateContext(options) { TimeZone = ToTimeZoneInfo(zone) };
        foreach (var (name, value) in model)
            context.SetValue(name, value);
        return (RenderIn(context, first), RenderIn(context, second));
    }

    private string? RenderIn(TemplateContext context, string? template)
    {
        if (template is null)
            return null;
        var parsed = templates.GetOrAdd(template, text =>
            Parser.TryParse(text, out var t, out var error) ? t : throw new InvalidOperationException($"Template does not parse: {error}"));
        context.EnterChildScope();
        try
        {
            return parsed.Render(context);
        }
        finally
        {
            context.ReleaseScope();
        }
    }

    // Looked up once per zone: the system lookup takes a process-wide lock on every call, and a batch renders thousands.
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    private static TimeZoneInfo ToTimeZoneInfo(DateTimeZone zone) =>
        Zones.GetOrAdd(zone.Id, id => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var info) ? info : TimeZoneInfo.Utc);
}
