namespace ReEngage.Flows.Designer.Editor;

/// <summary>
/// Something the user did on the canvas, as flow-canvas.js reports it. <see cref="Kind"/> is one of
/// select, select-edge, move, connect, add, delete, undo, redo, copy, paste.
/// </summary>
public sealed record CanvasGesture(string Kind)
{
    /// <summary>The node (or edge, for select-edge) the gesture is about; for connect, the source node.</summary>
    public string? Id { get; init; }

    /// <summary>For add: the node type dropped from the palette.</summary>
    public string? Type { get; init; }

    /// <summary>For connect: the source node's out port ("" for a single exit).</summary>
    public string? Port { get; init; }

    /// <summary>For connect: the target node.</summary>
    public string? To { get; init; }

    public double? X { get; init; }

    public double? Y { get; init; }
}
