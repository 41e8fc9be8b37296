using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>The document read from text (null when the text is not usable) and every problem met.</summary>
public sealed record DocumentReadResult<T>(T? Value, IReadOnlyList<FlowProblem> Problems)
    where T : class;

/// <summary>
/// Reads user-supplied JSON text (flows, settings) and reports every structural defect at once — malformed JSON by
/// line and column, unknown or missing properties, bad values and unknown node types by node id and
/// JSON path — before the strict deserializer, which stops at the first, ever sees it.
/// The walk is driven by the serializer's own contracts, so the model stays the single source of truth.
/// </summary>
public static class JsonDocumentReader
{
    private static readonly JsonSerializerOptions Options = FlowJson.Options;

    public static DocumentReadResult<FlowDefinition> ReadFlow(string text) => Read<FlowDefinition>(text);

    public static DocumentReadResult<T> Read<T>(string text)
        where T : class
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return new DocumentReadResult<T>(null, [Malformed(ex)]);
        }

        using (document)
        {
            var problems = new List<FlowProblem>();
            var walker = new Walker(problems);
            walker.Check(document.RootElement, typeof(T), "$", nodeId: null);
            if (problems.Count > 0)
                return new DocumentReadResult<T>(null, problems);

            try
            {
                return new DocumentReadResult<T>(document.RootElement.Deserialize<T>(Options), problems);
            }
            catch (JsonException ex)
            {
                // The walk mirrors the serializer's contracts; reaching here means the two disagree.
                problems.Add(new FlowProblem(ProblemCodes.InvalidValue, JsonErrors.Sentence(ex)) { Path = ex.Path });
                return new DocumentReadResult<T>(null, problems);
            }
        }
    }

    private static FlowProblem Malformed(JsonException ex) =>
        new(ProblemCodes.MalformedJson, $"The file is not valid JSON: {JsonErrors.Sentence(ex)}")
        {
            Line = (int)(ex.LineNumber ?? 0) + 1,
            Column = (int)(ex.BytePositionInLine ?? 0) + 1,
        };

    private sealed class Walker(List<FlowProblem> problems)
    {
        public void Check(JsonElement element, Type type, string path, string? nodeId)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            var info = Options.GetTypeInfo(type);

            if (info.PolymorphismOptions is { } polymorphism)
            {
                CheckPolymorphic(element, polymorphism, path);
                return;
            }

            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    CheckObject(element, info, path, nodeId, skip: null);
                    break;
                case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                        Check(item, info.ElementType!, $"{path}[{index++}]", nodeId);
                    break;
                case JsonTypeInfoKind.Dictionary when element.ValueKind == JsonValueKind.Object:
                    foreach (var entry in element.EnumerateObject())
                        Check(entry.Value, info.ElementType!, $"{path}.{entry.Name}", nodeId);
                    break;
                case JsonTypeInfoKind.Enumerable:
                    Add(ProblemCodes.InvalidValue, $"'{Name(path)}' must be a list [ … ].", path, nodeId);
                    break;
                case JsonTypeInfoKind.Dictionary:
                    Add(ProblemCodes.InvalidValue, $"'{Name(path)}' must be an object {{ … }}.", path, nodeId);
                    break;
                default:
                    CheckScalar(element, type, path, nodeId);
                    break;
            }
        }

        private void CheckPolymorphic(JsonElement element, JsonPolymorphismOptions polymorphism, string path)
        {
            var nodeId = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;

            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(ProblemCodes.NotAnObject, "Each node must be an object { \"id\": …, \"type\": … }.", path, null);
                return;
            }

            if (string.IsNullOrWhiteSpace(nodeId))
                Add(ProblemCodes.MissingNodeId, "This node has no \"id\"; every node needs a unique id.", path, null);

            var discriminator = polymorphism.TypeDiscriminatorPropertyName;
            if (!element.TryGetProperty(discriminator, out var kind) || kind.ValueKind != JsonValueKind.String)
            {
                Add(ProblemCodes.MissingProperty, $"This node has no \"{discriminator}\"; use one of: {string.Join(", ", NodeTypes.All)}.", $"{path}.{discriminator}", nodeId);
                return;
            }

            var derived = polymorphism.DerivedTypes.FirstOrDefault(d => d.TypeDiscriminator as string == kind.GetString());
            if (derived.DerivedType is null)
            {
                Add(ProblemCodes.UnknownNodeType, $"Unknown node type '{kind.GetString()}'; use one of: {string.Join(", ", NodeTypes.All)}.", $"{path}.{discriminator}", nodeId);
                return;
            }

            CheckObject(element, Options.GetTypeInfo(derived.DerivedType), path, nodeId, skip: discriminator);
        }

        private void CheckObject(JsonElement element, JsonTypeInfo info, string path, string? nodeId, string? skip)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(ProblemCodes.NotAnObject, $"'{Name(path)}' must be an object {{ … }}.", path, nodeId);
                return;
            }

            var properties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var propertyPath = $"{path}.{property.Name}";
                if (property.Name == skip)
                    continue;
                if (!seen.Add(property.Name))
                {
                    Add(ProblemCodes.InvalidValue, $"'{property.Name}' is given twice.", propertyPath, nodeId);
                    continue;
                }

                if (!properties.TryGetValue(property.Name, out var known))
                {
                    Add(ProblemCodes.UnknownProperty, $"Unknown property '{property.Name}'{Where(info, nodeId)}; known properties: {string.Join(", ", properties.Keys)}.", propertyPath, nodeId);
                    continue;
                }

                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    if (!known.IsSetNullable)
                        Add(ProblemCodes.InvalidValue, $"'{property.Name}' cannot be null.", propertyPath, nodeId);
                    continue;
                }

                Check(property.Value, known.PropertyType, propertyPath, nodeId);
            }

            foreach (var required in info.Properties.Where(p => p.IsRequired && !seen.Contains(p.Name)))
                Add(ProblemCodes.MissingProperty, $"'{required.Name}' is required{Where(info, nodeId)}.", $"{path}.{required.Name}", nodeId);
        }

        private void CheckScalar(JsonElement element, Type type, string path, string? nodeId)
        {
            try
            {
                _ = element.Deserialize(type, Options);
            }
            catch (JsonException)
            {
                Add(ProblemCodes.InvalidValue, $"'{Name(path)}' {Expected(type)}, not {Describe(element)}.", path, nodeId);
            }
        }

        private void Add(string code, string message, string path, string? nodeId) =>
            problems.Add(new FlowProblem(code, message) { NodeId = nodeId, Path = path });

        private static string Where(JsonTypeInfo info, string? nodeId) =>
            info.Type == typeof(FlowDefinition) ? " on the flow" :
            info.Type.IsSubclassOf(typeof(FlowNode)) ? $" on a {NodeTypeName(info.Type)} node" : "";

        private static string NodeTypeName(Type type) =>
            Options.GetTypeInfo(typeof(FlowNode)).PolymorphismOptions!.DerivedTypes
                .First(d => d.DerivedType == type).TypeDiscriminator as string ?? type.Name;

        private static string Name(string path)
        {
            var dot = path.LastIndexOf('.');
            return dot < 0 ? path : path[(dot + 1)..];
        }

        private static string Expected(Type type) => type switch
        {
            _ when type == typeof(string) => "must be text in quotes",
            _ when type == typeof(int) || type == typeof(long) => "must be a whole number",
            _ when type == typeof(double) || type == typeof(decimal) => "must be a number",
            _ when type == typeof(bool) => "must be true or false",
            { IsEnum: true } => $"must be one of: {string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName))}",
            _ => $"has the wrong form for {type.Name}",
        };

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => $"\"{element.GetString()}\"",
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            _ => "null",
        };
    }
}
