using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>What validation knows beyond the flow itself.</summary>
public sealed record FlowValidationContext
{
    public static FlowValidationContext Empty { get; } = new();

    /// <summary>Ids of the coupon pools that exist; null when unknown, which skips the pool check.</summary>
    public IReadOnlySet<string>? CouponPools { get; init; }
}

/// <summary>The outcome of validating one flow document.</summary>
public sealed record FlowValidationResult(FlowDefinition? Flow, IReadOnlyList<FlowProblem> Problems)
{
    public bool IsValid => Flow is not null && Problems.All(p => p.Severity != ProblemSeverity.Error);
}

/// <summary>
/// Checks a flow against every rule of DESIGN.md §3 and returns all problems at once; it never
/// throws for bad input. Stateless and thread-safe.
/// </summary>
public sealed class FlowValidator(ExpressionChecker expressions)
{
    public static FlowValidator Default { get; } = new(ExpressionChecker.Shared);

    public FlowValidationResult Validate(string json, FlowValidationContext? context = null)
    {
        var read = JsonDocumentReader.ReadFlow(json);
        return read.Value is null
            ? new FlowValidationResult(null, read.Problems)
            : new FlowValidationResult(read.Value, Validate(read.Value, context));
    }

    public IReadOnlyList<FlowProblem> Validate(FlowDefinition flow, FlowValidationContext? context = null)
    {
        var sink = new ProblemSink(expressions, context ?? FlowValidationContext.Empty);
        SettingRules.Check(flow, sink);
        for (var i = 0; i < flow.Nodes.Count; i++)
            NodeRules.Check(flow.Nodes[i], i, sink);
        GraphRules.Check(flow, sink);
        return sink.Problems;
    }
}

/// <summary>Collects problems and holds the checks that several rule sets share.</summary>
internal sealed class ProblemSink(ExpressionChecker expressions, FlowValidationContext context)
{
    public List<FlowProblem> Problems { get; } = [];

    public FlowValidationContext Context => context;

    public void Error(string code, string message, string? nodeId = null, string? path = null) =>
        Problems.Add(new FlowProblem(code, message) { NodeId = nodeId, Path = path });

    public void Warning(string code, string message, string? nodeId = null, string? path = null) =>
        Problems.Add(new FlowProblem(code, message) { NodeId = nodeId, Path = path, Severity = ProblemSeverity.Warning });

    public void Expression(string? expression, string what, string? nodeId, string path, ExpressionResult result = ExpressionResult.Boolean)
    {
        if (expressions.Check(expression, result) is { } diagnostic)
        {
            Error(diagnostic.Forbidden ? ProblemCodes.ForbiddenExpression : ProblemCodes.InvalidExpression,
                $"The {what} does not compile: {diagnostic.Message}", nodeId, path);
        }
    }

    /// <summary>Checks an ISO-8601 duration; <paramref name="positive"/> demands it moves time forward.</summary>
    public void Duration(string? text, string what, string? nodeId, string path, bool positive = true)
    {
        if (!Durations.TryParse(text, out var period))
        {
            Error(ProblemCodes.InvalidDuration, $"The {what} '{text}' is not an ISO-8601 duration such as PT4H, P3D or P1M.", nodeId, path);
        }
        else if (positive && !Durations.IsPositive(period))
        {
            Error(ProblemCodes.InvalidDuration, $"The {what} '{text}' must be longer than zero.", nodeId, path);
        }
    }

    public void TimeOfDay(string? text, string what, string? nodeId, string path)
    {
        if (!TimesOfDay.TryParse(text, out _))
            Error(ProblemCodes.InvalidTime, $"The {what} '{text}' is not a time of day written HH:mm (24-hour), such as 09:00 or 21:30.", nodeId, path);
    }

    public void TimeZone(string? id, string? nodeId, string path)
    {
        if (id is null || NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is null)
            Error(ProblemCodes.InvalidTimeZone, $"'{id}' is not a time-zone id; use an IANA id such as Europe/London or Asia/Ho_Chi_Minh.", nodeId, path);
    }

    public void Required(object? value, string setting, string when, string? nodeId, string path)
    {
        if (value is null || value is string text && string.IsNullOrWhiteSpace(text))
            Error(ProblemCodes.MissingSetting, $"'{setting}' is required {when}.", nodeId, path);
    }

    public void Unused(object? value, string setting, string usedBy, string? nodeId, string path)
    {
        if (value is not null)
            Error(ProblemCodes.UnusedSetting, $"'{setting}' is only used {usedBy}; remove it or change the node's kind.", nodeId, path);
    }
}
