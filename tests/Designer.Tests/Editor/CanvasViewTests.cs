using ReEngage.Flows.Designer.Editor;
using ReEngage.Flows.Designer.Tests.Support;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Tests.Editor;

public sealed class CanvasViewTests
{
    [Fact]
    public void Every_node_and_edge_of_a_flow_is_drawn_with_its_ports()
    {
        var view = CanvasView.Of(SampleFlows.AbandonedCart());

        Assert.Equal(["start", "wait", "still", "send", "done"], view.Nodes.Select(n => n.Id));
        Assert.Equal(5, view.Edges.Count);
        Assert.False(view.Nodes[0].HasIn);
        Assert.Equal(["true", "false"], view.Nodes.Single(n => n.Id == "still").OutPorts);
        Assert.Empty(view.Nodes.Single(n => n.Id == "done").OutPorts);
    }

    [Fact]
    public void A_move_is_one_update_and_nothing_else()
    {
        var flow = SampleFlows.AbandonedCart();

        var ops = CanvasView.Of(flow).ChangesTo(CanvasView.Of(FlowEdits.Move(flow, "wait", 10, 130)));

        var op = Assert.Single(ops);
        Assert.Equal("update-node", op.Op);
        Assert.Equal(10, op.Node!.X);
    }

    [Fact]
    public void Removing_a_node_removes_its_edges_first()
    {
        var flow = SampleFlows.AbandonedCart();

        var ops = CanvasView.Of(flow).ChangesTo(CanvasView.Of(FlowEdits.RemoveNodes(flow, ["still"])));

        Assert.Equal(["remove-edge", "remove-edge", "remove-edge", "remove-node"], ops.Select(o => o.Op));
    }

    [Fact]
    public void Changing_a_nodes_ports_redraws_its_edges_after_the_node()
    {
        var flow = SampleFlows.AbandonedCart() with
        {
            Nodes = [.. SampleFlows.AbandonedCart().Nodes.Append(new SplitNode { Id = "ab", Kind = SplitKind.Random, Branches = [new() { Label = "a", Weight = 1 }] })],
            Edges = [.. SampleFlows.AbandonedCart().Edges.Append(new FlowEdge { From = "ab", To = "done", Port = "a" })],
        };
        var split = new SplitNode { Id = "ab", Kind = SplitKind.Random, Branches = [new() { Label = "a", Weight = 1 }, new() { Label = "b", Weight = 1 }] };

        var ops = CanvasView.Of(flow).ChangesTo(CanvasView.Of(FlowEdits.Replace(flow, split))).Select(o => o.Op).ToList();

        Assert.Equal(["remove-edge", "update-node", "add-edge"], ops);
    }

    [Fact]
    public void An_edge_to_a_missing_port_is_left_for_the_diagnostics_not_drawn()
    {
        var flow = SampleFlows.AbandonedCart() with { Edges = [new FlowEdge { From = "still", To = "send", Port = "maybe" }] };

        Assert.Empty(CanvasView.Of(flow).Edges);
    }

    [Fact]
    public void Nodes_without_a_saved_position_are_placed_by_depth()
    {
        var flow = SampleFlows.AbandonedCart() with { Layout = null };

        var view = CanvasView.Of(flow);

        Assert.Equal([0d, 120, 240, 360, 360], view.Nodes.Select(n => n.Y));
        Assert.Equal(250, view.Nodes.Single(n => n.Id == "done").X);
    }
}
