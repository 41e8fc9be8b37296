using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.DesignerSpeed;

/// <summary>
/// A valid flow of a given size shaped like real ones: a trigger, then repeating delay → condition →
/// send steps whose false ports end at a shared exit, laid out as a column.
/// </summary>
internal static class BigFlow
{
    public static FlowDefinition Build(string id, int size)
    {
        var nodes = new List<FlowNode> { new TriggerNode { Id = "start", On = TriggerKind.Event, Event = "cart.added" } };
        var edges = new List<FlowEdge>();
        var previous = "start";
        for (var i = 1; nodes.Count < size - 1; i++)
        {
            FlowNode node = (i % 3) switch
            {
                1 => new DelayNode { Id = $"wait-{i}", For = "PT4H" },
                2 => new ConditionNode { Id = $"check-{i}", Expression = $"customer.CartValue > {i}" },
                _ => new ActionNode { Id = $"send-{i}", Do = ActionKind.Send, Channel = Channel.Chat, Title = "Still thinking?", Body = "Hi {{ customer.firstName }}" },
            };
            nodes.Add(node);
            edges.Add(new FlowEdge { From = previous, To = node.Id, Port = nodes[^2] is ConditionNode ? "true" : null });
            if (node is ConditionNode)
                edges.Add(new FlowEdge { From = node.Id, To = "done", Port = "false" });
            previous = node.Id;
        }

        nodes.Add(new ExitNode { Id = "done" });
        edges.Add(new FlowEdge { From = previous, To = "done", Port = nodes[^2] is ConditionNode ? "true" : null });
        var layout = nodes.Select((n, i) => (n.Id, new NodePosition { X = (i % 4) * 260, Y = i / 4 * 110 })).ToDictionary(p => p.Id, p => p.Item2);
        return new FlowDefinition { Id = id, Name = $"{size} steps", Nodes = nodes, Edges = edges, Layout = layout };
    }
}
