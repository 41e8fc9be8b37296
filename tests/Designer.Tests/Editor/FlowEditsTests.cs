using ReEngage.Flows.Designer.Editor;
using ReEngage.Flows.Designer.Tests.Support;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Tests.Editor;

public sealed class FlowEditsTests
{
    [Fact]
    public void A_node_dropped_from_the_palette_gets_a_free_id_its_position_and_a_valid_example()
    {
        var flow = SampleFlows.AbandonedCart();

        var (first, id1) = FlowEdits.AddNode(flow, NodeTypes.Delay, 40, 80);
        var (second, id2) = FlowEdits.AddNode(first, NodeTypes.Delay, 300, 80);

        Assert.Equal("delay-1", id1);
        Assert.Equal("delay-2", id2);
        Assert.Equal(7, second.Nodes.Count);
        Assert.Equal(300, second.Layout![id2].X);
        Assert.Equal("PT4H", Assert.IsType<DelayNode>(second.Nodes[^1]).For);
        Assert.Equal(5, flow.Nodes.Count);
    }

    [Fact]
    public void Connecting_an_out_port_again_replaces_its_edge()
    {
        var flow = SampleFlows.AbandonedCart();

        var (next, refused) = FlowEdits.Connect(flow, "still", "true", "done");

        Assert.Null(refused);
        Assert.Single(next.Edges, e => e.From == "still" && e.Port == "true");
        Assert.Contains(next.Edges, e => e.From == "still" && e.Port == "true" && e.To == "done");
    }

    [Theory]
    [InlineData("send", "", "start", "trigger")]
    [InlineData("still", "maybe", "send", "no port 'maybe'")]
    [InlineData("send", "", "send", "itself")]
    [InlineData("send", "", "ghost", "Both ends")]
    public void Invalid_connections_are_refused_with_the_reason(string from, string port, string to, string reason)
    {
        var flow = SampleFlows.AbandonedCart();

        var (next, refused) = FlowEdits.Connect(flow, from, port, to);

        Assert.Same(flow, next);
        Assert.Contains(reason, refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_a_node_removes_its_edges_and_position()
    {
        var next = FlowEdits.RemoveNodes(SampleFlows.AbandonedCart(), ["still"]);

        Assert.DoesNotContain(next.Nodes, n => n.Id == "still");
        Assert.DoesNotContain(next.Edges, e => e.From == "still" || e.To == "still");
        Assert.False(next.Layout!.ContainsKey("still"));
        Assert.Equal(2, next.Edges.Count);
    }

    [Fact]
    public void Pasting_copies_nodes_under_new_ids_with_the_edges_between_them()
    {
        var flow = SampleFlows.AbandonedCart();
        var clipboard = FlowEdits.Copy(flow, ["send", "done"]);

        var (next, ids) = FlowEdits.Paste(flow, clipboard);

        Assert.Equal(["send-1", "done-1"], ids);
        Assert.Contains(next.Edges, e => e.From == "send-1" && e.To == "done-1");
        Assert.Equal(flow.Layout!["send"].X + 40, next.Layout!["send-1"].X);
        Assert.DoesNotContain(FlowValidator.Default.Validate(next), p => p.Code.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
    }
}
