using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>
/// The shape of the graph: unique ids, edges between existing nodes by existing ports, every branch
/// connected, every node reachable from a trigger, and no loop a run could spin in without waiting.
/// </summary>
internal static class GraphRules
{
    public static void Check(FlowDefinition flow, ProblemSink sink)
    {
        var nodes = new Dictionary<string, FlowNode>(StringComparer.Ordinal);
        foreach (var node in flow.Nodes)
        {
            if (!nodes.TryAdd(node.Id, node))
                sink.Error(ProblemCodes.DuplicateNodeId, $"Another node already has the id '{node.Id}'; node ids must be unique.", node.Id);
        }

        var outgoing = CheckEdges(flow, nodes, sink);
        CheckBranches(nodes.Values, outgoing, sink);

        var triggers = nodes.Values.OfType<TriggerNode>().Select(t => t.Id).ToList();
        if (triggers.Count == 0)
        {
            sink.Error(ProblemCodes.NoTrigger, "The flow has no trigger, so no one can ever enter it.", path: "$.nodes");
            return;
        }

        var reached = Reachable(triggers, outgoing);
        foreach (var node in flow.Nodes.Where(n => !reached.Contains(n.Id)).DistinctBy(n => n.Id))
            sink.Error(ProblemCodes.Unreachable, $"No path leads from a trigger to '{node.Id}', so no run will ever reach it.", node.Id);

        foreach (var cycle in CyclesWithoutPause(nodes, outgoing))
        {
            sink.Error(ProblemCodes.CycleWithoutDelay,
                $"The loop {string.Join(" → ", cycle)} → {cycle[0]} has no delay or wait, so a run would spin in it forever; put a delay or wait in the loop.",
                cycle[0]);
        }
    }

    private static Dictionary<string, List<FlowEdge>> CheckEdges(FlowDefinition flow, Dictionary<string, FlowNode> nodes, ProblemSink sink)
    {
        var outgoing = new Dictionary<string, List<FlowEdge>>(StringComparer.Ordinal);
        var usedPorts = new HashSet<(string, string)>();
        for (var i = 0; i < flow.Edges.Count; i++)
        {
            var edge = flow.Edges[i];
            var path = $"$.edges[{i}]";
            if (!nodes.TryGetValue(edge.From, out var from))
                sink.Error(ProblemCodes.EdgeMissingNode, $"An edge leaves '{edge.From}', which is not a node of this flow.", edge.From, $"{path}.from");
            if (!nodes.TryGetValue(edge.To, out var to))
                sink.Error(ProblemCodes.EdgeMissingNode, $"An edge from '{edge.From}' goes to '{edge.To}', which is not a node of this flow.", edge.From, $"{path}.to");
            else if (to is TriggerNode)
                sink.Error(ProblemCodes.EdgeIntoTrigger, $"An edge from '{edge.From}' enters the trigger '{edge.To}'; triggers start runs and take no incoming edges.", edge.To, $"{path}.to");
            if (from is null || to is null or TriggerNode)
                continue;

            var ports = FlowPorts.Of(from);
            var port = FlowPorts.Of(edge);
            if (!ports.Contains(port))
            {
                var named = port == FlowPorts.Default ? "without a port" : $"by port '{port}'";
                sink.Error(ProblemCodes.BadPort, $"An edge leaves '{edge.From}' {named}, but {FlowPorts.Describe(ports)}.", edge.From, $"{path}.port");
                continue;
            }

            if (!usedPorts.Add((edge.From, port)))
            {
                var which = port == FlowPorts.Default ? "its exit" : $"port '{port}'";
                sink.Error(ProblemCodes.DuplicatePort, $"'{edge.From}' has more than one edge leaving {which}; a run can only follow one.", edge.From, $"{path}.port");
                continue;
            }

            if (!outgoing.TryGetValue(edge.From, out var list))
                outgoing[edge.From] = list = [];
            list.Add(edge);
        }

        return outgoing;
    }

    private static void CheckBranches(IEnumerable<FlowNode> nodes, Dictionary<string, List<FlowEdge>> outgoing, ProblemSink sink)
    {
        foreach (var node in nodes)
        {
            var connected = outgoing.TryGetValue(node.Id, out var edges)
                ? edges.Select(FlowPorts.Of).ToHashSet(StringComparer.Ordinal)
                : [];
            var missing = FlowPorts.Of(node).Where(p => p != FlowPorts.Default && !connected.Contains(p)).ToList();
            if (missing.Count == 0)
                continue;

            var list = string.Join(", ", missing.Select(p => $"'{p}'"));
            switch (node)
            {
                case ConditionNode or SplitNode:
                    sink.Error(ProblemCodes.MissingBranch, $"The {(node is SplitNode ? "split" : "condition")} '{node.Id}' has nothing connected to its {list} branch; connect it (to an exit if the run should end).", node.Id);
                    break;
                case WaitNode:
                    sink.Warning(ProblemCodes.MissingBranch, $"Nothing follows the wait '{node.Id}' on {list}; runs leaving that way end there.", node.Id);
                    break;
            }
        }
    }

    private static HashSet<string> Reachable(IEnumerable<string> starts, Dictionary<string, List<FlowEdge>> outgoing)
    {
        var seen = new HashSet<string>(starts, StringComparer.Ordinal);
        var queue = new Queue<string>(seen);
        while (queue.TryDequeue(out var id))
        {
            foreach (var edge in outgoing.GetValueOrDefault(id) ?? [])
            {
                if (seen.Add(edge.To))
                    queue.Enqueue(edge.To);
            }
        }

        return seen;
    }

    /// <summary>
    /// Strongly connected components of the graph without its delay and wait nodes (Tarjan): any
    /// loop left there is one a run could go round without ever pausing.
    /// </summary>
    private static List<List<string>> CyclesWithoutPause(Dictionary<string, FlowNode> nodes, Dictionary<string, List<FlowEdge>> outgoing)
    {
        static bool Pauses(FlowNode node) => node is DelayNode or WaitNode;

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<List<string>>();
        var counter = 0;

        IEnumerable<string> Next(string id) =>
            (outgoing.GetValueOrDefault(id) ?? []).Select(e => e.To).Where(to => nodes.TryGetValue(to, out var n) && !Pauses(n));

        void Visit(string id)
        {
            index[id] = low[id] = counter++;
            stack.Push(id);
            onStack.Add(id);
            foreach (var next in Next(id))
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[id] = Math.Min(low[id], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[id] = Math.Min(low[id], nextIndex);
                }
            }

            if (low[id] != index[id])
                return;

            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != id);

            if (component.Count > 1 || Next(id).Contains(id))
            {
                component.Reverse();
                cycles.Add(component);
            }
        }

        foreach (var node in nodes.Values.Where(n => !Pauses(n)))
        {
            if (!index.ContainsKey(node.Id))
                Visit(node.Id);
        }

        return cycles;
    }
}
