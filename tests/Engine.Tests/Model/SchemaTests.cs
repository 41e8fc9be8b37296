using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Model;

public class SchemaTests
{
    private static string SchemaPath => Path.Combine(RepoPaths.Workflows, FlowSchema.FileName);

    [Fact]
    public void The_committed_schema_is_the_one_the_model_generates()
    {
        var generated = FlowSchema.Generate();
        var committed = File.ReadAllText(SchemaPath);

        Assert.True(generated == committed,
            "workflows/flow.schema.json is stale: regenerate it with `dotnet run --project src/Host -- schema --out workflows/flow.schema.json`.");
    }

    [Fact]
    public void The_schema_lists_every_node_type_and_rejects_unknown_properties()
    {
        var schema = JsonNode.Parse(FlowSchema.Generate())!;
        var variants = schema["properties"]!["nodes"]!["items"]!["anyOf"]!.AsArray();

        var types = variants.Select(v => (string)v!["properties"]!["type"]!["const"]!).Order();
        Assert.Equal(NodeTypes.All.Order(), types);
        Assert.All(variants, v => Assert.False((bool)v!["additionalProperties"]!));
        Assert.False((bool)schema["additionalProperties"]!);
    }

    [Fact]
    public void Every_shipped_flow_names_the_schema()
    {
        var files = RepoPaths.ShippedFlows().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Equal("./flow.schema.json", (string?)JsonNode.Parse(File.ReadAllText(file))!["$schema"]));
    }
}
