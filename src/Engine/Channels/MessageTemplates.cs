using Fluid;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>Liquid templates of titles, bodies and webhook payloads, parsed by Fluid.</summary>
public static class MessageTemplates
{
    private static readonly FluidParser Parser = new();

    /// <summary>Null when the text parses as a Liquid template; otherwise the parser's message.</summary>
    public static string? Check(string template) =>
        Parser.TryParse(template, out _, out var error) ? null : FirstLine(error);

    /// <summary>Fluid appends the template source after the message; one line is enough for a report.</summary>
    private static string FirstLine(string error)
    {
        var end = error.IndexOfAny(['\r', '\n']);
        return end < 0 ? error : error[..end].Trim();
    }

    public static bool TryParse(string template, out IFluidTemplate? parsed, out string? error) =>
        Parser.TryParse(template, out parsed, out error);
}
