using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>
/// The designer's edits as pure functions from one flow to the next, so undo is keeping the old
/// value and every edit is testable without a browser. A refused edit returns the reason.
/// </summary>
public static class FlowEdits
{
    public static (FlowDefinition Flow, string Id) AddNode(FlowDefinition flow, string type, double x, double y)
    {
        var id = FreeId(flow, type);
        var node = NodeTemplates.Create(type, id);
        return (flow with { Nodes = [.. flow.Nodes, node], Layout = WithPosition(flow.Layout, id, x, y) }, id);
    }

    public static FlowDefinition Move(FlowDefinition flow, string id, double x, double y) =>
        flow.Nodes.Any(n => n.Id == id) ? flow with { Layout = WithPosition(flow.Layout, id, x, y) } : flow;

    /// <summary>Connects a node's out port to another node; an out port leads to one node, so an edge it had is replaced.</summary>
    public static (FlowDefinition Flow, string? Refused) Connect(FlowDefinition flow, string from, string? port, string to)
    {
        var source = flow.Nodes.FirstOrDefault(n => n.Id == from);
        var target = flow.Nodes.FirstOrDefault(n => n.Id == to);
        if (source is null || target is null)
            return (flow, "Both ends of a connection must be steps of this flow.");
        if (from == to)
            return (flow, "A step cannot lead to itself.");
        if (target is TriggerNode)
            return (flow, "A trigger starts runs; nothing can lead into it.");
        var portName = port ?? FlowPorts.Default;
        var ports = FlowPorts.Of(source);
        if (!ports.Contains(portName))
            return (flow, $"'{from}' has no port '{portName}': {FlowPorts.Describe(ports)}.");
        var edge = new FlowEdge { From = from, To = to, Port = portName == FlowPorts.Default ? null : portName };
        var kept = flow.Edges.Where(e => !(e.From == from && FlowPorts.Of(e) == portName));
        return (flow with { Edges = [.. kept, edge] }, null);
    }

    public static FlowDefinition RemoveNodes(FlowDefinition flow, IReadOnlyCollection<string> ids)
    {
        var layout = flow.Layout?.Where(p => !ids.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        return flow with
        {
            Nodes = [.. flow.Nodes.Where(n => !ids.Contains(n.Id))],
            Edges = [.. flow.Edges.Where(e => !ids.Contains(e.From) && !ids.Contains(e.To))],
            Layout = layout,
        };
    }

    public static FlowDefinition RemoveEdge(FlowDefinition flow, string edgeId) =>
        flow with { Edges = [.. flow.Edges.Where(e => EdgeId(e) != edgeId)] };

    /// <summary>Puts an edited node in place of the node with its id.</summary>
    public static FlowDefinition Replace(FlowDefinition flow, FlowNode node) =>
        flow with { Nodes = [.. flow.Nodes.Select(n => n.Id == node.Id ? node : n)] };

    /// <summary>Pastes copied nodes (and the edges between them) under fresh ids, offset so they do not cover the originals.</summary>
    public static (FlowDefinition Flow, IReadOnlyList<string> Ids) Paste(FlowDefinition flow, Clipboard clipboard)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var current = flow;
        foreach (var node in clipboard.Nodes)
        {
            var id = FreeId(current, node.Id);
            renamed[node.Id] = id;
            var position = clipboard.Positions.GetValueOrDefault(node.Id) ?? new NodePosition { X = 0, Y = 0 };
            current = current with
            {
                Nodes = [.. current.Nodes, node with { Id = id }],
                Layout = WithPosition(current.Layout, id, position.X + 40, position.Y + 40),
            };
        }

        var edges = clipboard.Edges.Select(e => e with { From = renamed[e.From], To = renamed[e.To] });
        return (current with { Edges = [.. current.Edges, .. edges] }, [.. renamed.Values]);
    }

    public static Clipboard Copy(FlowDefinition flow, IReadOnlyCollection<string> ids)
    {
        var nodes = flow.Nodes.Where(n => ids.Contains(n.Id)).ToList();
        var edges = flow.Edges.Where(e => ids.Contains(e.From) && ids.Contains(e.To)).ToList();
        var positions = nodes.ToDictionary(n => n.Id, n => flow.Layout?.GetValueOrDefault(n.Id) ?? new NodePosition { X = 0, Y = 0 });
        return new Clipboard(nodes, edges, positions);
    }

    /// <summary>The edge's id on the canvas: from, port and to identify it.</summary>
    public static string EdgeId(FlowEdge edge) => $"{edge.From}|{FlowPorts.Of(edge)}|{edge.To}";

    private static string FreeId(FlowDefinition flow, string stem)
    {
        var taken = flow.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var baseName = stem.TrimEnd('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        if (baseName.Length == 0)
            baseName = "node";
        for (var n = 1; ; n++)
        {
            var id = $"{baseName}-{n}";
            if (!taken.Contains(id))
                return id;
        }
    }

    private static Dictionary<string, NodePosition> WithPosition(IReadOnlyDictionary<string, NodePosition>? layout, string id, double x, double y) =>
        new(layout ?? new Dictionary<string, NodePosition>(), StringComparer.Ordinal) { [id] = new NodePosition { X = x, Y = y } };
}

/// <summary>Nodes copied with the edges between them and where they were drawn.</summary>
public sealed record Clipboard(IReadOnlyList<FlowNode> Nodes, IReadOnlyList<FlowEdge> Edges, IReadOnlyDictionary<string, NodePosition> Positions);
