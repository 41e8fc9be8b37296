using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>What a node dropped from the palette starts as: a working example a marketer edits, not an empty shell.</summary>
public static class NodeTemplates
{
    public static FlowNode Create(string type, string id) => type switch
    {
        NodeTypes.Trigger => new TriggerNode { Id = id, On = TriggerKind.Event, Event = "cart.added" },
        NodeTypes.Condition => new ConditionNode { Id = id, Expression = "customer.CartValue > 0" },
        NodeTypes.Split => new SplitNode
        {
            Id = id,
            Kind = SplitKind.Random,
            Branches = [new SplitBranch { Label = "a", Weight = 50 }, new SplitBranch { Label = "b", Weight = 50 }],
        },
        NodeTypes.Delay => new DelayNode { Id = id, For = "PT4H" },
        NodeTypes.Wait => new WaitNode { Id = id, Event = "order.placed", Timeout = "P3D" },
        NodeTypes.Action => new ActionNode
        {
            Id = id,
            Do = ActionKind.Send,
            Channel = Channel.Chat,
            Title = "Your cart is waiting",
            Body = "Hi {{ customer.firstName | default: 'there' }}, your cart is still here.",
        },
        NodeTypes.Exit => new ExitNode { Id = id },
        _ => throw new ArgumentException($"There is no node type '{type}'; the types are {string.Join(", ", NodeTypes.All)}.", nameof(type)),
    };

    /// <summary>The palette's name for a type.</summary>
    public static string Title(string type) => type switch
    {
        NodeTypes.Trigger => "Trigger",
        NodeTypes.Condition => "Condition",
        NodeTypes.Split => "Split",
        NodeTypes.Delay => "Delay",
        NodeTypes.Wait => "Wait for event",
        NodeTypes.Action => "Action",
        NodeTypes.Exit => "Exit",
        _ => type,
    };

    /// <summary>The palette's one-line help for a type.</summary>
    public static string Hint(string type) => type switch
    {
        NodeTypes.Trigger => "Where runs start: an event, a schedule or a date",
        NodeTypes.Condition => "Yes / no on a customer fact",
        NodeTypes.Split => "A/B test or rules, one port per branch",
        NodeTypes.Delay => "Wait a while, or until a time of day",
        NodeTypes.Wait => "Wait for an event, or time out",
        NodeTypes.Action => "Send a message, coupon, tag, points…",
        NodeTypes.Exit => "End the run",
        _ => "",
    };
}
