using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Designer.Editor;

/// <summary>A node's live counts in the few words that fit under its title.</summary>
public static class NodeCounts
{
    public static string Describe(NodeSummary counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var parts = new List<string>();
        if (counts.Waiting > 0)
            parts.Add($"{counts.Waiting} waiting");
        // A trigger's runs are logged as entered, not passed.
        parts.Add(counts.Passed == 0 && counts.Entered > 0 && counts.Waiting == 0 ? $"{counts.Entered} entered" : $"{counts.Passed} passed");
        if (counts.Suppressed > 0)
            parts.Add($"{counts.Suppressed} suppressed");
        if (counts.Failed > 0)
            parts.Add($"{counts.Failed} failed");
        if (counts.Converted > 0)
            parts.Add($"{counts.Converted} converted");
        return string.Join(" · ", parts);
    }
}
