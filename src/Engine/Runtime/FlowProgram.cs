using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// One published flow version made ready to run: nodes by id, edges by (node, port), and every
/// expression compiled once. Immutable and shared by all runs of that version.
/// </summary>
public sealed class FlowProgram
{
    private readonly Dictionary<string, FlowNode> nodes;
    private readonly Dictionary<(string From, string Port), string> next;
    private readonly Dictionary<string, CompiledExpression<bool>> predicates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledExpression<object>> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TriggerNode[]> eventTriggers;
    private readonly HashSet<string> heard;

    public FlowProgram(FlowDefinition flow, int version)
    {
        ArgumentNullException.ThrowIfNull(flow);
        Flow = flow;
        Version = version;
        nodes = flow.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        next = flow.Edges.ToDictionary(e => (e.From, FlowPorts.Of(e)), e => e.To);

        foreach (var node in flow.Nodes)
        {
            switch (node)
            {
                case TriggerNode { Filter: { } filter }:
                    Predicate(filter);
                    break;
                case TriggerNode { Audience: { } audience }:
                    Predicate(audience);
                    break;
                case ConditionNode condition:
                    Predicate(condition.Expression);
                    break;
                case SplitNode split:
                    foreach (var branch in split.Branches.Where(b => b.Expression is not null))
                        Predicate(branch.Expression!);
                    break;
                case WaitNode { Filter: { } waitFilter }:
                    Predicate(waitFilter);
                    break;
                case ActionNode { Do: ActionKind.Set, Expression: { } value }:
                    values.TryAdd(value, CompiledExpression.Compile<object>(value));
                    break;
            }
        }

        foreach (var exit in flow.ExitOn ?? [])
        {
            if (exit.Filter is not null)
                Predicate(exit.Filter);
        }

        if (flow.Goal?.Filter is { } goalFilter)
            Predicate(goalFilter);

        Triggers = flow.Nodes.OfType<TriggerNode>().ToList();

        // Every event meets every live flow: which of its triggers start on it, and whether its goal
        // or exit rules hear it, are looked up rather than searched for each event.
        eventTriggers = Triggers.Where(t => t.On == TriggerKind.Event && t.Event is not null)
            .GroupBy(t => t.Event!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        heard = new HashSet<string>((flow.ExitOn ?? []).Select(x => x.Event).Append(flow.Goal?.Event).OfType<string>(), StringComparer.Ordinal);
        Reentry = flow.Entry?.Reentry ?? Model.Reentry.Never;
        Cooldown = flow.Entry?.Cooldown is { } cooldown && Durations.TryParse(cooldown, out var period) ? period : null;
        GoalWithin = flow.Goal?.Within is { } within && Durations.TryParse(within, out var goalPeriod) ? goalPeriod : null;
    }

    public FlowDefinition Flow { get; }

    public string FlowId => Flow.Id;

    public int Version { get; }

    public IReadOnlyList<TriggerNode> Triggers { get; }

    /// <summary>The event triggers that start on <paramref name="eventType"/>, in node order.</summary>
    /// <remarks>An array: asked of every program for every event, and a list interface's enumerator was an allocation each time.</remarks>
    public TriggerNode[] TriggersOn(string eventType) =>
        eventTriggers.TryGetValue(eventType, out var triggers) ? triggers : [];

    /// <summary>Whether the flow's goal or one of its exit rules listens for <paramref name="eventType"/> (a wait's event is its run's own).</summary>
    public bool Hears(string eventType) => heard.Contains(eventType);

    public Reentry Reentry { get; }

    public NodaTime.Period? Cooldown { get; }

    public NodaTime.Period? GoalWithin { get; }

    public FlowNode Node(string id) =>
        nodes.TryGetValue(id, out var node) ? node : throw new InvalidOperationException($"Flow {FlowId} v{Version} has no node '{id}'.");

    /// <summary>The node an edge from <paramref name="nodeId"/> by <paramref name="port"/> leads to; null when none.</summary>
    public string? Next(string nodeId, string port) => next.GetValueOrDefault((nodeId, port));

    public bool Test(string expression, in ExpressionScope scope) => predicates[expression].Evaluate(scope);

    public object? Value(string expression, in ExpressionScope scope) => values[expression].Evaluate(scope);

    private void Predicate(string expression) =>
        predicates.TryAdd(expression, CompiledExpression.Compile<bool>(expression));
}
