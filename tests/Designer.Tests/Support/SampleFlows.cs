using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Tests.Support;

/// <summary>Small flows the tests edit.</summary>
public static class SampleFlows
{
    /// <summary>trigger → delay → condition (true → send, false → exit), send → exit.</summary>
    public static FlowDefinition AbandonedCart(string id = "cart") => new()
    {
        Id = id,
        Name = "Abandoned cart",
        Nodes =
        [
            new TriggerNode { Id = "start", On = TriggerKind.Event, Event = "cart.added" },
            new DelayNode { Id = "wait", For = "PT4H" },
            new ConditionNode { Id = "still", Expression = "customer.CartValue > 0" },
            new ActionNode { Id = "send", Do = ActionKind.Send, Channel = Channel.Chat, Title = "Your cart", Body = "Hi {{ customer.firstName }}" },
            new ExitNode { Id = "done" },
        ],
        Edges =
        [
            new FlowEdge { From = "start", To = "wait" },
            new FlowEdge { From = "wait", To = "still" },
            new FlowEdge { From = "still", To = "send", Port = "true" },
            new FlowEdge { From = "still", To = "done", Port = "false" },
            new FlowEdge { From = "send", To = "done" },
        ],
        Layout = new Dictionary<string, NodePosition>
        {
            ["start"] = new() { X = 0, Y = 0 },
            ["wait"] = new() { X = 0, Y = 120 },
            ["still"] = new() { X = 0, Y = 240 },
            ["send"] = new() { X = 0, Y = 360 },
            ["done"] = new() { X = 0, Y = 480 },
        },
    };
}
