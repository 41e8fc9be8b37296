using System.Text.Json;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>Turns System.Text.Json's exception messages into the sentence people read.</summary>
public static class JsonErrors
{
    /// <summary>The message without the serializer's trailing position and path, which callers report themselves.</summary>
    public static string Sentence(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).Trim();
    }

    /// <summary>The sentence followed by the JSON path it concerns, when there is one.</summary>
    public static string SentenceWithPath(JsonException exception) =>
        Sentence(exception) + (exception.Path is { Length: > 1 } path ? $" (at {path})" : "");
}
