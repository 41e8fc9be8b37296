using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>The flows and settings the benchmarks run: the shipped ones from <c>workflows/</c> and a few of their own in <c>tests/Benchmarks/Flows</c>.</summary>
internal static class BenchFlows
{
    public static string Folder => Path.Combine(RepoFiles.Root, "tests", "Benchmarks", "Flows");

    /// <summary>The shipped store settings (coupon pools of the shipped flows, quiet hours, store zone).</summary>
    public static StoreSettings Settings { get; } =
        FlowFiles.ReadSettings(Path.Combine(RepoFiles.Workflows, FlowFiles.SettingsFileName), out _)
        ?? throw new InvalidOperationException("workflows/settings.json does not read.");

    public static string Own(string name) => File.ReadAllText(Path.Combine(Folder, name));

    public static string Shipped(string name) => File.ReadAllText(Path.Combine(RepoFiles.Workflows, name));

    /// <summary>Every shipped flow file, in name order.</summary>
    public static IReadOnlyList<string> AllShipped() =>
        Directory.GetFiles(RepoFiles.Workflows, FlowFiles.FlowPattern).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();

    /// <summary>A flow with a new id (and name), so a copy can be published beside the original.</summary>
    public static string WithId(string json, string id)
    {
        var flow = JsonNode.Parse(json)!.AsObject();
        flow["id"] = id;
        flow["name"] = $"{flow["name"]} ({id})";
        return flow.ToJsonString();
    }

    /// <summary>
    /// P2's 20 live flows: the 14 shipped ones (event triggers on cart, product, category, search and
    /// order events and on types the benchmark does not send, schedules, dates; conditions, delays,
    /// waits, splits, coupons, sends) plus copies of six event-triggered ones.
    /// </summary>
    public static IReadOnlyList<string> TwentyLiveFlows()
    {
        var flows = AllShipped().ToList();
        string[] copies = ["abandoned-cart", "abandoned-product-view", "abandoned-category-view", "abandoned-search", "post-purchase", "replenishment"];
        foreach (var id in copies)
            flows.Add(WithId(Shipped($"{id}.flow.json"), $"{id}-copy"));
        return flows;
    }
}
