using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>The two lines a node shows on the canvas: what kind of step it is, and what it does.</summary>
public static class NodeText
{
    public static string Kind(FlowNode node) => node switch
    {
        TriggerNode t => $"TRIGGER · {t.On.ToString().ToUpperInvariant()}",
        ConditionNode => "CONDITION",
        SplitNode s => $"SPLIT · {s.Kind.ToString().ToUpperInvariant()}",
        DelayNode => "DELAY",
        WaitNode => "WAIT FOR EVENT",
        ActionNode { Do: ActionKind.Send } a => $"SEND · {a.Channel?.ToString().ToUpperInvariant() ?? "?"}",
        ActionNode a => $"ACTION · {a.Do.ToString().ToUpperInvariant()}",
        _ => "EXIT",
    } + $"  ({node.Id})";

    private const int TitleLength = 30;

    /// <summary>The node's label, or what it does, cut to fit the node's width.</summary>
    public static string Title(FlowNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = FullTitle(node).ReplaceLineEndings(" ");
        return text.Length <= TitleLength ? text : string.Concat(text.AsSpan(0, TitleLength - 1), "…");
    }

    private static string FullTitle(FlowNode node) => node.Label ?? node switch
    {
        TriggerNode { On: TriggerKind.Event } t => t.Event ?? "event",
        TriggerNode { On: TriggerKind.Schedule } t => t.Cron ?? "schedule",
        TriggerNode t => $"{t.Attribute} at {t.At}",
        ConditionNode c => c.Expression,
        SplitNode s => string.Join(" / ", s.Branches.Select(b => b.Label)),
        DelayNode { For: { } duration } => $"wait {DurationText.Describe(duration)}",
        DelayNode { Until: { } time } => $"until {time}",
        DelayNode d => $"until {d.UntilAttribute} {d.Offset}",
        WaitNode w => $"{w.Event} or {DurationText.Describe(w.Timeout)}",
        ActionNode { Do: ActionKind.Send } a => a.Title ?? a.Body ?? "message",
        ActionNode { Do: ActionKind.Tag or ActionKind.Untag } a => a.Tag ?? "",
        ActionNode { Do: ActionKind.Coupon } a => a.Coupon?.Pool ?? "coupon",
        ActionNode { Do: ActionKind.Set } a => $"{a.Attribute} = {a.Expression}",
        ActionNode { Do: ActionKind.Points } a => $"{a.Points:+#;-#;0} points",
        ActionNode a => a.Url ?? "",
        _ => "end",
    };
}
