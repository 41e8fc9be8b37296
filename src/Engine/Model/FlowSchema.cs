using System.ComponentModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace ReEngage.Flows.Engine.Model;

/// <summary>
/// Generates <c>workflows/flow.schema.json</c> from the model with System.Text.Json's exporter, so
/// the schema editors check files against can never drift from what the reader accepts.
/// </summary>
public static class FlowSchema
{
    public const string FileName = "flow.schema.json";

    public static string Generate()
    {
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Describe,
        };

        var schema = FlowJson.Options.GetJsonSchemaAsNode(typeof(FlowDefinition), exporterOptions).AsObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "ReEngage.Flows flow",
        };
        foreach (var (name, value) in schema.ToList())
        {
            schema.Remove(name);
            root[name] = value;
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Copies [Description] texts into the schema, so editors show them as hover help.</summary>
    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode schema)
    {
        var provider = context.PropertyInfo?.AttributeProvider ?? (context.PropertyInfo is null ? context.TypeInfo.Type : null);
        var description = provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false)
            .OfType<DescriptionAttribute>().FirstOrDefault()?.Description;
        if (description is not null && schema is JsonObject obj && !obj.ContainsKey("description"))
            obj.Insert(0, "description", description);
        return schema;
    }
}
