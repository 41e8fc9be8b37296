using System.ComponentModel;
using System.Text.Json.Serialization;

namespace ReEngage.Flows.Engine.Model;

/// <summary>
/// One flow as stored in a <c>*.flow.json</c> file or sent through the API: the graph of nodes
/// and edges plus the settings that govern who enters, when a run ends and how it is judged.
/// </summary>
[Description("A ReEngage.Flows flow: trigger → condition → delay → action graph run per customer.")]
public sealed record FlowDefinition
{
    [JsonPropertyName("$schema")]
    [Description("Path or URL of flow.schema.json, so editors complete and check the file.")]
    public string? Schema { get; init; }

    [Description("Stable identifier: lower-case letters, digits and dashes.")]
    public required string Id { get; init; }

    [Description("Name a marketer recognises in the flows list.")]
    public required string Name { get; init; }

    [Description("What the flow is for, in a sentence or two.")]
    public string? Description { get; init; }

    [Description("Who may enter, and how often. Default: each customer enters once (reentry: never).")]
    public EntrySettings? Entry { get; init; }

    [Description("Events that end a run at once, e.g. an order ends an abandoned-cart run.")]
    public IReadOnlyList<EventMatch>? ExitOn { get; init; }

    [Description("The conversion the flow is judged by; reaching it ends the run.")]
    public GoalSettings? Goal { get; init; }

    [Description("Quiet hours for this flow's sends, in the customer's time zone (overrides the global setting).")]
    public QuietHours? QuietHours { get; init; }

    [Description("Per-flow overrides of the global guardrails.")]
    public FlowCaps? Caps { get; init; }

    [Description("The steps of the flow.")]
    public required IReadOnlyList<FlowNode> Nodes { get; init; }

    [Description("Connections between steps: from a node (and one of its out ports) to a node.")]
    public required IReadOnlyList<FlowEdge> Edges { get; init; }

    [Description("Where the designer draws each node, by node id.")]
    public IReadOnlyDictionary<string, NodePosition>? Layout { get; init; }
}

/// <summary>A connection from one node's out port to another node.</summary>
public sealed record FlowEdge
{
    [Description("Id of the node the edge leaves.")]
    public required string From { get; init; }

    [Description("Id of the node the edge enters.")]
    public required string To { get; init; }

    [Description("Out port of the 'from' node: true/false on a condition, a branch label (or else) on a split, event/timeout on a wait; omitted for single-exit nodes.")]
    public string? Port { get; init; }
}

/// <summary>A node's position on the designer canvas.</summary>
public sealed record NodePosition
{
    public required double X { get; init; }

    public required double Y { get; init; }
}
