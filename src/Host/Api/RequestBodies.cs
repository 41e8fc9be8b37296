using System.Text;
using System.Text.Json;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Host.Api;

/// <summary>Reads JSON bodies with a size cap, turning every defect into a 400 that names it.</summary>
internal static class RequestBodies
{
    public const int MaxBytes = 4 * 1024 * 1024;

    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
                return (null, Problem("The body is too large", $"A request body may hold at most {MaxBytes / 1024 / 1024} MB.", "$"));
        }

        if (buffer.Length == 0)
            return (null, Problem("The body is empty", "Send a JSON document.", "$"));

        try
        {
            return (JsonDocument.Parse(buffer.ToArray()), null);
        }
        catch (JsonException ex)
        {
            var at = $"line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}";
            return (null, Problem("The body is not valid JSON", $"{JsonErrors.Sentence(ex)} ({at})", at));
        }
    }

    public static string Text(JsonDocument document) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(document.RootElement));

    /// <summary>A 400 problem-details answer; <paramref name="field"/> names where the defect is.</summary>
    public static IResult Problem(string title, string detail, string field, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["field"] = field };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
            extensions[key] = value;
        return Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest, extensions: extensions);
    }
}
