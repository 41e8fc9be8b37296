namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>
/// Script errors of the pages it watches: uncaught exceptions (<c>page.PageError</c>) and
/// <c>console.error</c> messages, which is where Blazor reports a broken circuit or a failed JS call.
/// </summary>
public sealed class ScriptErrors
{
    private readonly List<string> errors = [];
    private readonly Lock gate = new();

    public IReadOnlyList<string> All
    {
        get { lock (gate) return [.. errors]; }
    }

    public void Watch(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.PageError += (_, error) => Add($"uncaught: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                Add($"console.error at {message.Location}: {message.Text}");
        };
    }

    private void Add(string error)
    {
        lock (gate)
            errors.Add(error);
    }
}
