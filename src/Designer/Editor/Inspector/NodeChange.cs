using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Editor.Inspector;

/// <summary>An edited node and the field that changed (edits of one field in a row are one undo step).</summary>
public sealed record NodeChange(FlowNode Node, string Field);
