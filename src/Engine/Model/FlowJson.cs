using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReEngage.Flows.Engine.Model;

/// <summary>
/// The one set of JSON rules for flow files, the API and the database column: camelCase, string
/// enums, unknown properties rejected, nulls omitted so reading then writing loses and adds nothing.
/// </summary>
public static class FlowJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(FlowDefinition flow) => JsonSerializer.Serialize(flow, Options);

    /// <summary>Strict deserialization; throws <see cref="JsonException"/> on any defect. Use
    /// <c>FlowDocumentReader</c> to collect every problem of user-supplied text instead.</summary>
    public static FlowDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<FlowDefinition>(json, Options)
        ?? throw new JsonException("A flow document cannot be null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowOutOfOrderMetadataProperties = true,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
            WriteIndented = true,
            IndentSize = 2,
            // Flow files hold message bodies with quotes, apostrophes and HTML; keep them readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
