using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>
/// The flow open in the editor with its undo history. Flows are immutable records, so history is
/// a stack of earlier values. Typing in one field of one node is one undo step, not one per key.
/// </summary>
public sealed class FlowDocument(FlowDefinition flow)
{
    private const int HistoryLimit = 200;
    private readonly LinkedList<FlowDefinition> undo = new();
    private readonly Stack<FlowDefinition> redo = new();
    private string? lastMergeKey;

    public FlowDefinition Flow { get; private set; } = flow;

    /// <summary>The flow as last saved; the document is dirty while it differs.</summary>
    public FlowDefinition Saved { get; private set; } = flow;

    public bool IsDirty => !ReferenceEquals(Flow, Saved);

    public bool CanUndo => undo.Count > 0;

    public bool CanRedo => redo.Count > 0;

    /// <summary>Makes <paramref name="next"/> current. Edits with the same <paramref name="mergeKey"/> in a row share one undo step.</summary>
    public void Change(FlowDefinition next, string? mergeKey = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (ReferenceEquals(next, Flow))
            return;
        if (mergeKey is null || mergeKey != lastMergeKey || undo.Count == 0)
        {
            undo.AddLast(Flow);
            if (undo.Count > HistoryLimit)
                undo.RemoveFirst();
        }

        lastMergeKey = mergeKey;
        redo.Clear();
        Flow = next;
    }

    public bool Undo()
    {
        if (undo.Last is not { } previous)
            return false;
        undo.RemoveLast();
        redo.Push(Flow);
        Flow = previous.Value;
        lastMergeKey = null;
        return true;
    }

    public bool Redo()
    {
        if (!redo.TryPop(out var next))
            return false;
        undo.AddLast(Flow);
        Flow = next;
        lastMergeKey = null;
        return true;
    }

    /// <summary>Marks the current flow as saved (a later edit makes the document dirty again).</summary>
    public void MarkSaved()
    {
        Saved = Flow;
        lastMergeKey = null;
    }
}
