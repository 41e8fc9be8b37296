using ReEngage.Flows.Designer.Editor;
using ReEngage.Flows.Designer.Tests.Support;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Tests.Editor;

public sealed class FlowDocumentTests
{
    [Fact]
    public void Undo_and_redo_walk_the_history()
    {
        var original = SampleFlows.AbandonedCart();
        var document = new FlowDocument(original);
        var (added, _) = FlowEdits.AddNode(original, NodeTypes.Exit, 0, 0);
        var moved = FlowEdits.Move(added, "start", 50, 50);

        document.Change(added);
        document.Change(moved);

        Assert.True(document.Undo());
        Assert.Same(added, document.Flow);
        Assert.True(document.Undo());
        Assert.Same(original, document.Flow);
        Assert.False(document.Undo());
        Assert.True(document.Redo());
        Assert.True(document.Redo());
        Assert.Same(moved, document.Flow);
        Assert.False(document.Redo());
    }

    [Fact]
    public void Typing_in_one_field_is_one_undo_step_and_a_new_edit_clears_redo()
    {
        var original = SampleFlows.AbandonedCart();
        var document = new FlowDocument(original);
        var current = original;
        foreach (var text in new[] { "c", "cu", "customer.OrderCount > 1" })
        {
            current = FlowEdits.Replace(current, new ConditionNode { Id = "still", Expression = text });
            document.Change(current, "still:expression");
        }

        Assert.True(document.Undo());
        Assert.Same(original, document.Flow);
        Assert.False(document.CanUndo);

        document.Change(FlowEdits.Move(original, "start", 1, 1));
        Assert.False(document.CanRedo);
    }

    [Fact]
    public void Saving_marks_the_document_clean_until_the_next_edit()
    {
        var document = new FlowDocument(SampleFlows.AbandonedCart());
        Assert.False(document.IsDirty);

        document.Change(FlowEdits.Move(document.Flow, "start", 5, 5));
        Assert.True(document.IsDirty);
        document.MarkSaved();
        Assert.False(document.IsDirty);
        document.Undo();
        Assert.True(document.IsDirty);
    }
}
