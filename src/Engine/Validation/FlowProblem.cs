namespace ReEngage.Flows.Engine.Validation;

public enum ProblemSeverity
{
    /// <summary>The flow cannot be published or run.</summary>
    Error,

    /// <summary>The flow runs, but probably not as meant.</summary>
    Warning,
}

/// <summary>
/// One thing wrong with a flow: a stable <see cref="Code"/> for tools, a sentence for people, and
/// where it is — a node id, else a JSON path, else a line and column for text that is not JSON.
/// </summary>
public sealed record FlowProblem(string Code, string Message)
{
    public ProblemSeverity Severity { get; init; } = ProblemSeverity.Error;

    public string? NodeId { get; init; }

    public string? Path { get; init; }

    public int? Line { get; init; }

    public int? Column { get; init; }

    /// <summary>The location as one token for <c>file: location: code: message</c> lines.</summary>
    public string Location =>
        NodeId ?? Path ?? (Line is { } line ? $"line {line}, column {Column ?? 1}" : "flow");

    public override string ToString() => $"{Location}: {Code}: {Message}";
}

/// <summary>The stable problem codes. Tools and tests match on these; the sentences may improve.</summary>
public static class ProblemCodes
{
    public const string MalformedJson = "json.malformed";
    public const string NotAnObject = "json.not-object";
    public const string UnknownProperty = "json.unknown-property";
    public const string MissingProperty = "json.missing-property";
    public const string InvalidValue = "json.invalid-value";
    public const string UnknownNodeType = "node.unknown-type";
    public const string MissingNodeId = "node.missing-id";
    public const string DuplicateNodeId = "node.duplicate-id";
    public const string InvalidId = "flow.invalid-id";
    public const string DuplicateFlowId = "flow.duplicate-id";
    public const string MissingSetting = "node.missing-setting";
    public const string UnusedSetting = "node.unused-setting";
    public const string InvalidSetting = "node.invalid-setting";
    public const string EdgeMissingNode = "edge.missing-node";
    public const string BadPort = "edge.bad-port";
    public const string DuplicatePort = "edge.duplicate-port";
    public const string EdgeIntoTrigger = "edge.into-trigger";
    public const string MissingBranch = "branch.missing";
    public const string DuplicateBranch = "branch.duplicate";
    public const string NoTrigger = "graph.no-trigger";
    public const string Unreachable = "graph.unreachable";
    public const string CycleWithoutDelay = "graph.cycle-without-delay";
    public const string InvalidDuration = "duration.invalid";
    public const string InvalidTime = "time.invalid";
    public const string InvalidCron = "cron.invalid";
    public const string InvalidTimeZone = "timezone.invalid";
    public const string InvalidExpression = "expression.invalid";
    public const string ForbiddenExpression = "expression.forbidden";
    public const string InvalidTemplate = "template.invalid";
    public const string TitleTooLong = "title.too-long";
    public const string UnknownCouponPool = "coupon.unknown-pool";
    public const string DuplicatePool = "coupon.duplicate-pool";
    public const string UnreachableBranch = "branch.never-taken";
    public const string EntersOnce = "entry.once";
    public const string InvalidUrl = "url.invalid";
    public const string LayoutUnknownNode = "layout.unknown-node";
}
