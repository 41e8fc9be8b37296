using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>The out ports of each node type (DESIGN.md §3). Single-exit nodes have one unnamed port.</summary>
public static class FlowPorts
{
    /// <summary>The unnamed port of single-exit nodes: an edge without <c>port</c>.</summary>
    public const string Default = "";

    public const string True = "true";
    public const string False = "false";
    public const string Else = "else";
    public const string Event = "event";
    public const string Timeout = "timeout";

    public static IReadOnlyList<string> Of(FlowNode node) => node switch
    {
        ConditionNode => [True, False],
        SplitNode { Kind: SplitKind.Rules } split => [.. split.Branches.Select(b => b.Label), Else],
        SplitNode split => [.. split.Branches.Select(b => b.Label)],
        WaitNode => [Event, Timeout],
        ExitNode => [],
        _ => [Default],
    };

    /// <summary>The port an edge leaves by, with a missing port read as the unnamed one.</summary>
    public static string Of(FlowEdge edge) => edge.Port ?? Default;

    public static string Describe(IReadOnlyList<string> ports) =>
        ports.Count switch
        {
            0 => "it has no out ports",
            1 when ports[0] == Default => "it has a single exit, so the edge takes no port",
            _ => $"its ports are {string.Join(", ", ports)}",
        };
}
