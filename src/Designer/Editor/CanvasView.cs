using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>A node as the canvas draws it.</summary>
public sealed record CanvasNode(string Id, string Type, string Kind, string Title, double X, double Y, bool HasIn, IReadOnlyList<string> OutPorts)
{
    public bool SameAs(CanvasNode other) =>
        Id == other.Id && Type == other.Type && Kind == other.Kind && Title == other.Title && X.Equals(other.X) && Y.Equals(other.Y)
        && HasIn == other.HasIn && OutPorts.SequenceEqual(other.OutPorts);
}

/// <summary>An edge as the canvas draws it: from a node's out port to a node.</summary>
public sealed record CanvasEdge(string Id, string From, string Port, string To);

/// <summary>One change for the canvas; <see cref="Op"/> names it (see flow-canvas.js).</summary>
public sealed record CanvasOp(string Op)
{
    public CanvasNode? Node { get; init; }

    public CanvasEdge? Edge { get; init; }

    public string? Id { get; init; }

    public IReadOnlyDictionary<string, string>? Counts { get; init; }

    /// <summary>For highlight: the nodes of one run's path.</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    public bool? Value { get; init; }

    public double? By { get; init; }
}

/// <summary>What the canvas shows of a flow, and the smallest set of changes from one view to the next.</summary>
public sealed record CanvasView(IReadOnlyList<CanvasNode> Nodes, IReadOnlyList<CanvasEdge> Edges)
{
    public static CanvasView Empty { get; } = new([], []);

    public static CanvasView Of(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var positions = AutoPositions(flow);
        var nodes = flow.Nodes
            .GroupBy(n => n.Id, StringComparer.Ordinal).Select(g => g.First())
            .Select(n =>
            {
                var at = flow.Layout?.GetValueOrDefault(n.Id) ?? positions[n.Id];
                return new CanvasNode(n.Id, TypeOf(n), NodeText.Kind(n), NodeText.Title(n), at.X, at.Y, n is not TriggerNode, FlowPorts.Of(n));
            })
            .ToList();
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);

        // An edge to a missing node or port is a validation problem listed in the panel; the canvas cannot draw it.
        var edges = flow.Edges
            .Where(e => byId.TryGetValue(e.From, out var from) && from.OutPorts.Contains(FlowPorts.Of(e))
                && byId.TryGetValue(e.To, out var to) && to.HasIn)
            .Select(e => new CanvasEdge(FlowEdits.EdgeId(e), e.From, FlowPorts.Of(e), e.To))
            .DistinctBy(e => e.Id)
            .ToList();
        return new CanvasView(nodes, edges);
    }

    public IReadOnlyList<CanvasOp> ChangesTo(CanvasView next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var ops = new List<CanvasOp>();
        var before = Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var after = next.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var edgesBefore = Edges.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var edgesAfter = next.Edges.ToDictionary(e => e.Id, StringComparer.Ordinal);

        // Edges go first and come back last, so no edge ever points at a port that is not drawn.
        foreach (var edge in Edges.Where(e => !edgesAfter.ContainsKey(e.Id) || PortsChanged(e.From) || PortsChanged(e.To)))
            ops.Add(new CanvasOp("remove-edge") { Id = edge.Id });
        foreach (var node in Nodes.Where(n => !after.ContainsKey(n.Id)))
            ops.Add(new CanvasOp("remove-node") { Id = node.Id });
        foreach (var node in next.Nodes)
        {
            if (!before.TryGetValue(node.Id, out var old))
                ops.Add(new CanvasOp("add-node") { Node = node });
            else if (!old.SameAs(node))
                ops.Add(new CanvasOp("update-node") { Node = node });
        }

        foreach (var edge in next.Edges.Where(e => !edgesBefore.ContainsKey(e.Id) || PortsChanged(e.From) || PortsChanged(e.To)))
            ops.Add(new CanvasOp("add-edge") { Edge = edge });
        return ops;

        bool PortsChanged(string id) =>
            before.TryGetValue(id, out var old) && after.TryGetValue(id, out var now) && (old.HasIn != now.HasIn || !old.OutPorts.SequenceEqual(now.OutPorts));
    }

    private static string TypeOf(FlowNode node) => node switch
    {
        TriggerNode => NodeTypes.Trigger,
        ConditionNode => NodeTypes.Condition,
        SplitNode => NodeTypes.Split,
        DelayNode => NodeTypes.Delay,
        WaitNode => NodeTypes.Wait,
        ActionNode => NodeTypes.Action,
        _ => NodeTypes.Exit,
    };

    /// <summary>Places nodes a flow file gives no position: one row per step from the triggers down.</summary>
    private static Dictionary<string, NodePosition> AutoPositions(FlowDefinition flow)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        foreach (var trigger in flow.Nodes.OfType<TriggerNode>())
        {
            depth.TryAdd(trigger.Id, 0);
            queue.Enqueue(trigger.Id);
        }

        while (queue.TryDequeue(out var id))
        {
            foreach (var edge in flow.Edges.Where(e => e.From == id))
            {
                if (depth.TryAdd(edge.To, depth[id] + 1))
                    queue.Enqueue(edge.To);
            }
        }

        var maxDepth = depth.Count == 0 ? 0 : depth.Values.Max();
        var column = new Dictionary<int, int>();
        var positions = new Dictionary<string, NodePosition>(StringComparer.Ordinal);
        foreach (var node in flow.Nodes)
        {
            var row = depth.TryGetValue(node.Id, out var d) ? d : maxDepth + 1;
            var col = column[row] = column.GetValueOrDefault(row, -1) + 1;
            positions[node.Id] = new NodePosition { X = col * 250, Y = row * 120 };
        }

        return positions;
    }
}
